using Syncplane.Config;
using Syncplane.Documents;

namespace Syncplane.Tests.Documents;

/// <summary>The document destination's options, a target's events and the top-level documents section: defaults and errors.</summary>
public sealed class DocumentConfigTests
{
    private const string Source = """source: { http: { url: "https://example.com/assets", records: results, key: [name] } }""";

    [Fact]
    public void DocsExample_Loads_WithItsGroupsTtlPathAndEvents()
    {
        var config = Parse(DocumentServingContract.DocsExample());

        var target = config.Targets.Single();
        var options = Assert.IsType<DocumentOptions>(target.Destination!.Options);
        Assert.Equal(["projects", "vpcs", "vms", "gke_clusters", "databases"], options.GroupNames);
        Assert.Equal(["sqladmin.googleapis.com/Instance", "spanner.googleapis.com/Instance"], options.Groups[4].Values);
        Assert.Equal(("assetType", TimeSpan.FromHours(1), "portal/public/infrastructure-state.json"), (options.GroupBy, options.Ttl, options.Path));
        Assert.Equal("projects/lz-portal/subscriptions/asset-feed-push", target.Events!.Sources["pubsub"].Subscription);
        Assert.Equal("lz-state", config.InfrastructureStateDocument);
    }

    [Fact]
    public void Defaults_NameIsTheTarget_EveryRecordInRecords_TtlOneHour()
    {
        var config = Parse($$"""
            targets:
              state:
                {{Source}}
                destination: { document: {} }
            """);

        var document = DocumentTarget.All(config).Single();
        Assert.Equal(("state", "state"), (document.Name, document.Target));
        Assert.Equal(["records"], document.Options.GroupNames);
        Assert.Equal(TimeSpan.FromHours(1), document.Options.Ttl);
        Assert.Null(config.InfrastructureStateDocument);
    }

    [Theory]
    [InlineData("destination: { document: { groups: { counts: a/B } } }", "group name 'counts' must be letters, digits and '_' starting with a letter, and not one of the document's own fields")]
    [InlineData("destination: { document: { groups: { a: x/Y, b: [x/Y] } } }", "'x/Y' is in groups 'a' and 'b'; a record belongs to one group")]
    [InlineData("destination: { document: { groups: {} } }", "'groups' is empty")]
    [InlineData("destination: { document: { ttl: 0s } }", "'ttl' must be a duration such as")]
    [InlineData("destination: { document: { name: \"../x\" } }", "document name '../x' may only contain")]
    [InlineData("destination: { document: { group: assetType } }", "unknown key 'group' in the document connector")]
    [InlineData("destination: { directory: { path: out } }\n    events: { pubsub: {} }", "'events' patch one record at a time, which a directory destination cannot take; use a document or sql destination")]
    [InlineData("destination: { document: {} }\n    events: { kafka: {} }", "unknown key 'kafka' in 'events'; expected one of: pubsub, cloudevents")]
    public void BadOptions_AreNamed(string destination, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Parse($"targets:\n  t:\n    {Source}\n    {destination}\n"));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoTargetsWritingOneDocument_AndAnUnknownInfrastructureState_AreErrors()
    {
        var error = Assert.Throws<ConfigException>(() => Parse($$"""
            documents: { infrastructure_state: nope }
            targets:
              a:
                {{Source}}
                destination: { document: { name: state } }
              b:
                {{Source}}
                destination: { document: { name: state } }
            """));

        Assert.Contains("targets 'a' and 'b' both write the document 'state'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'infrastructure_state' names the document 'nope', which no target writes; documents: state", error.Message, StringComparison.Ordinal);
    }

    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, Path.Combine(Path.GetTempPath(), "syncplane.yaml"));
}
