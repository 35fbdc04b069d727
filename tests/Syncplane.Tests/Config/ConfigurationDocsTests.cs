using System.Text.RegularExpressions;
using Syncplane.Config;
using Syncplane.Engine.Policies;
using Syncplane.Scheduling;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

/// <summary>The YAML examples in docs/configuration.md are loaded here, so they cannot rot.</summary>
public partial class ConfigurationDocsTests
{
    private static string Section(string heading)
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "configuration.md"));
        var start = text.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{heading}'");
        var end = text.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return YamlBlock().Match(text[start..(end < 0 ? text.Length : end)]).Groups[1].Value;
    }

    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    [Fact]
    public void WindowsExample_Loads()
    {
        var target = Parse(Section("Windows")).Targets.Single();

        Assert.Equal([SyncWindowKind.Deny, SyncWindowKind.Allow], target.Windows.Select(w => w.Kind));
        Assert.Equal("America/New_York", target.Windows[1].TimeZone.Id);
        Assert.True(target.Windows[1].ManualOverride);
    }

    [Fact]
    public void RateLimitsExample_Loads()
    {
        var config = Parse(Section("Rate limits"));
        var registry = RateLimitRegistry.FromConfig(config);

        Assert.Equal(registry.BucketOf("ad-metrics"), registry.BucketOf("ad-spend"));
        Assert.Equal(new RateLimit(10, TimeSpan.FromMinutes(1), 5), config.Targets.Single(t => t.Name == "lz-docs").RateLimit);
    }

    [Fact]
    public void HttpSourceExample_Loads()
    {
        var source = Parse(Section("Connectors")).Targets.Single().Source!;

        var options = Assert.IsType<Syncplane.Connectors.Http.HttpSourceOptions>(source.Options);
        Assert.Equal(["campaign_id", "date"], options.Key);
        Assert.Equal(("data", "paging.next"), (options.Records, options.Next));
    }

    [Fact]
    public void WebhooksExample_Loads()
    {
        var config = Parse(Section("Webhooks"));

        Assert.Equal(1024 * 1024, config.Webhooks.MaxBodyBytes);
        Assert.Equal(["github", "gitlab", "pubsub", "cloudevents", "generic"], config.Webhooks.Providers.Keys);
        Assert.Equal(Syncplane.Webhooks.WebhookTokenLocation.Query, config.Webhooks.Providers["pubsub"].TokenIn);
        Assert.Equal(ScheduleKind.Manual, config.Targets.Single(t => t.Name == "lz-releases").Schedule.Kind);
        Assert.Equal(["github", "generic"], config.Targets.Single(t => t.Name == "lz-docs").Webhooks.Select(w => w.Provider));
        Assert.Equal(3, config.Targets.Single(t => t.Name == "lz-releases").Webhooks.Count);
    }

    [Fact]
    public void NotificationsExample_Loads()
    {
        var notifiers = Parse(Section("Notifications")).Notifiers.ToDictionary(n => n.Name);

        Assert.Equal(["ops", "portal", "pager"], notifiers.Keys);
        Assert.Equal(Syncplane.Notifications.NotificationFormat.Slack, notifiers["ops"].Format);
        Assert.Equal(["failed"], notifiers["ops"].On);
        Assert.Equal(Syncplane.Notifications.NotificationFormat.GitHubDispatch, notifiers["portal"].Format);
        Assert.Equal("lz-update", notifiers["portal"].EventType);
        Assert.Equal(["failed", "refused", "recovered"], notifiers["pager"].On);
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
