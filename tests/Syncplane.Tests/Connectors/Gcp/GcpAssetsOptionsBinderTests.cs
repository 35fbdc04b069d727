using Syncplane.Config;
using Syncplane.Connectors.Gcp;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>Validation of <c>source: { gcp_assets: … }</c>, as <c>syncplane validate</c> runs it.</summary>
public sealed class GcpAssetsOptionsBinderTests
{
    [Fact]
    public void Load_FullOptions_BindsEveryField_AndFeedsARecordDestination()
    {
        var config = Load(
            """{ scope: folders/555000111, asset_types: [compute.googleapis.com/Instance, "sqladmin.googleapis.com/.*"], query: "labels.env:prod", page_size: 500, credentials: "${file:secrets/gcp-sa.json}", endpoint: "http://127.0.0.1:8085/" }""",
            destination: "{ sql: { connection: inventory.db, table: resources } }");

        var options = (GcpAssetsOptions)config.Targets.Single().Source!.Options;
        Assert.Equal("folders/555000111", options.Scope);
        Assert.Equal(["compute.googleapis.com/Instance", "sqladmin.googleapis.com/.*"], options.AssetTypes);
        Assert.Equal(("labels.env:prod", 500, "${file:secrets/gcp-sa.json}"), (options.Query, options.PageSize, options.Credentials));
        Assert.Equal(new Uri("http://127.0.0.1:8085/"), options.Endpoint);
    }

    [Fact]
    public void Load_ScopeOnly_DefaultsToEveryTypeTheApisPageSizeAndApplicationDefaultCredentials()
    {
        var options = (GcpAssetsOptions)Load("{ scope: projects/lz-prod-123 }").Targets.Single().Source!.Options;

        Assert.Equal(([], null, null, null), (options.AssetTypes, options.Query, options.PageSize, options.Credentials));
        Assert.Equal(new Uri("https://cloudasset.googleapis.com"), options.Endpoint);
    }

    [Theory]
    [InlineData("{ asset_types: [x] }", "missing required key 'scope'")]
    [InlineData("{ scope: organization/123 }", "'scope' must be organizations/NUMBER, folders/NUMBER or projects/ID (or projects/NUMBER), found 'organization/123'")]
    [InlineData("{ scope: organizations/acme }", "found 'organizations/acme'")]
    [InlineData("{ scope: projects/a/b }", "found 'projects/a/b'")]
    [InlineData("{ scope: \"projects/\" }", "found 'projects/'")]
    [InlineData("{ scope: folders/1, asset_types: [\"\"] }", "'asset_types' must list asset types or regular expressions")]
    [InlineData("{ scope: folders/1, asset_types: { a: b } }", "'asset_types' must be a list of strings")]
    [InlineData("{ scope: folders/1, page_size: 0 }", "'page_size' must be at least 1, found 0")]
    [InlineData("{ scope: folders/1, page_size: 501 }", "'page_size' must be at most 500 (the API's cap), found 501")]
    [InlineData("{ scope: folders/1, credentials: \"{ type: service_account }\" }", "'credentials' must be a secret reference to a service-account key, such as \"${file:secrets/gcp-sa.json}\"")]
    [InlineData("{ scope: folders/1, credentials: \"${file:}\" }", "'credentials': '${file:}' is not a secret reference")]
    [InlineData("{ scope: folders/1, endpoint: ftp://x.example }", "'endpoint' must be an http:// or https:// base URL")]
    [InlineData("{ scope: folders/1, endpoint: \"https://u:p@x.example\" }", "'endpoint' must be an http:// or https:// base URL without credentials")]
    [InlineData("{ scope: folders/1, parent: folders/1 }", "unknown key 'parent' in the gcp_assets connector")]
    public void Load_BadOptions_FailsWithAClearMessageAtTheOption(string source, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Load(source));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("syncplane.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GcpAssetsAsDestination_IsRefused()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Default.Parse("""
            targets:
              t:
                source: { directory: { path: a } }
                destination: { gcp_assets: { scope: folders/1 } }
            """, "/work/cfg/syncplane.yaml"));

        Assert.Contains("gcp_assets", error.Message, StringComparison.Ordinal);
    }

    private static SyncplaneConfig Load(string source, string destination = "{ directory: { path: out } }") => ConfigLoader.Default.Parse($$"""
        targets:
          inventory:
            source: { gcp_assets: {{source}} }
            destination: {{destination}}
        """, "/work/cfg/syncplane.yaml");
}
