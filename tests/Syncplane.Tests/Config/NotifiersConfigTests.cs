using Syncplane.Config;
using Syncplane.Notifications;

namespace Syncplane.Tests.Config;

public sealed class NotifiersConfigTests
{
    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml + "\ntargets:\n  t: { entrypoint: \"true\" }\n", "/work/cfg/syncplane.yaml");

    private static ConfigError SingleError(string yaml) => Assert.Single(Assert.Throws<ConfigException>(() => Parse(yaml)).Errors);

    [Fact]
    public void Notifier_WithOnlyAWebhook_TakesTheDefaults()
    {
        var notifier = Parse("""
            notifiers:
              ops: { webhook: "${env:SLACK_WEBHOOK_URL}" }
            """).Notifiers.Single();

        Assert.Equal("ops", notifier.Name);
        Assert.Equal("${env:SLACK_WEBHOOK_URL}", notifier.Webhook);
        Assert.Equal(NotificationFormat.Json, notifier.Format);
        Assert.Equal(["failed"], notifier.On);
        Assert.Empty(notifier.Targets);
        Assert.Empty(notifier.Headers);
        Assert.Null(notifier.EventType);
    }

    [Fact]
    public void Notifier_WithEverything_IsBound()
    {
        var notifier = Parse("""
            notifiers:
              portal:
                webhook: https://api.github.com/repos/o/r/dispatches
                format: github_dispatch
                on: [failed, recovered]
                targets: ["lz-*"]
                headers: { Authorization: "Bearer ${env:GH_TOKEN}" }
                event_type: lz-update
            """).Notifiers.Single();

        Assert.Equal(NotificationFormat.GitHubDispatch, notifier.Format);
        Assert.Equal(["failed", "recovered"], notifier.On);
        Assert.Equal("lz-*", notifier.Targets.Single().Pattern);
        Assert.Equal("Bearer ${env:GH_TOKEN}", notifier.Headers["Authorization"]);
        Assert.Equal("lz-update", notifier.EventType);
    }

    [Theory]
    [InlineData("ops: { webhook: https://x.example/h, colour: red }", 3, 40, "unknown key 'colour' in notifiers.ops")]
    [InlineData("ops: { webhook: \"hooks.slack.com/services/x\" }", 3, 19, "must be an http:// or https:// URL")]
    [InlineData("ops: { webhook: \"ftp://x.example/h\" }", 3, 19, "must be an http:// or https:// URL")]
    [InlineData("ops: { webhook: \"${ENV:X}\" }", 3, 19, "is not a secret reference")]
    [InlineData("ops: { format: slack }", 3, 8, "missing required key 'webhook'")]
    [InlineData("ops: { webhook: https://x.example/h, format: teams }", 3, 48, "format must be one of: json, slack, github_dispatch; found 'teams'")]
    [InlineData("ops: { webhook: https://x.example/h, on: [failed, broken] }", 3, 53, "unknown status 'broken' in notifiers.ops.on")]
    [InlineData("ops: { webhook: https://x.example/h, on: [] }", 3, 44, "is empty")]
    [InlineData("ops: { webhook: https://x.example/h, on: [check.broken] }", 3, 45, "unknown status 'check.broken' in notifiers.ops.on; expected any of: failed, succeeded, refused, cancelled, recovered, changed, check.changed")]
    [InlineData("ops: { webhook: https://x.example/h, checks: [\"[\"] }", 3, 49, "invalid glob")]
    [InlineData("ops: { webhook: https://x.example/h, event_type: x }", 3, 52, "event_type applies to format: github_dispatch only")]
    [InlineData("ops: { webhook: https://x.example/h, headers: { \"Bad Header\": x } }", 3, 51, "not a valid HTTP header name")]
    [InlineData("ops: { webhook: https://x.example/h, targets: [\"[\"] }", 3, 50, "invalid glob")]
    public void InvalidNotifier_IsReportedAtItsPosition(string entry, int line, int column, string message)
    {
        var error = SingleError($"""
            version: 1
            notifiers:
              {entry}
            """);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void Notifiers_ThatIsNotAMapping_IsAnError()
    {
        var error = SingleError("notifiers: [ops]");

        Assert.Contains("notifiers must be a mapping", error.Message, StringComparison.Ordinal);
    }
}
