using System.Text.RegularExpressions;
using Syncplane.Alerts;
using Syncplane.Config;
using Syncplane.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Alerts;

/// <summary>The <c>alerts:</c> section and the pagerduty/email notifiers: docs/alerts.md's example loads; mistakes get clear errors.</summary>
public sealed partial class AlertsConfigTests
{
    private const string Notifiers = """
        notifiers:
          slack-ops: { webhook: "https://hooks.example/x", format: slack }
          pager: { pagerduty: { routing_key: "${env:PD_KEY}" } }
        targets:
          t: { entrypoint: "true" }
        """;

    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    private static ConfigError SingleError(string yaml) => Assert.Single(Assert.Throws<ConfigException>(() => Parse(yaml)).Errors);

    /// <summary>The yaml examples of docs/alerts.md.</summary>
    internal static IReadOnlyList<string> DocsYaml() =>
        [.. CodeBlock().Matches(File.ReadAllText(RepositoryPaths.Combine("docs", "alerts.md"))).Where(m => m.Groups[1].Value == "yaml").Select(m => m.Groups[2].Value)];

    [Fact]
    public void DocsExample_LoadsWithTheSeedsFiveRules()
    {
        var config = Parse(Assert.Single(DocsYaml()));

        Assert.Equal(["sync-failure", "sync-latency", "data-freshness", "failing", "check-down"], config.Alerts.Select(r => r.Name));
        var failure = config.Alerts[0];
        Assert.Equal((AlertMetric.SuccessRate, AlertComparator.Less, 0.95), (failure.When.Metric, failure.When.Comparator, failure.When.Threshold));
        Assert.Equal((TimeSpan.FromHours(24), AlertSeverity.Critical), (failure.Over, failure.Severity));
        Assert.Equal(["slack-ops", "pager"], failure.Notify);
        Assert.Equal(300, config.Alerts[1].When.Threshold);
        Assert.Equal(6 * 3600, config.Alerts[2].When.Threshold);
        Assert.True(config.Alerts[2].Covers("lz-docs"));
        Assert.False(config.Alerts[2].Covers("portal-docs"));
        Assert.Equal((AlertComparator.GreaterOrEqual, 3.0), (config.Alerts[3].When.Comparator, config.Alerts[3].When.Threshold));
        Assert.True(config.Alerts[4].IsCheckRule);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Alerts[4].For);
        var pager = config.Notifiers.Single(n => n.Name == "pager");
        Assert.Equal(("${env:PAGERDUTY_ROUTING_KEY}", PagerDutyChannel.DefaultEndpoint), (pager.PagerDuty!.RoutingKey, pager.PagerDuty.Endpoint));
        var mail = config.Notifiers.Single(n => n.Name == "mail").Email!;
        Assert.Equal(("smtp.example.com", 587, StartTlsMode.Required, "${env:SMTP_PASSWORD}"), (mail.Host, mail.Port, mail.StartTls, mail.Password));
        Assert.False(pager.IsWebhook);
    }

    [Theory]
    [InlineData("a: { when: \"succes_rate < 0.95\", notify: [pager] }", "unknown metric 'succes_rate' in 'succes_rate < 0.95'; expected one of: success_rate, latency, duration, freshness, consecutive_failures, check_down")]
    [InlineData("a: { when: \"latency > 300\", notify: [pager] }", "latency compares with a duration and '300' has no unit; write it with ms, s, m, h or d (such as 300s)")]
    [InlineData("a: { when: \"latency > 300y\", notify: [pager] }", "'300y' is not a duration")]
    [InlineData("a: { when: \"success_rate < 1.5\", notify: [pager] }", "success_rate compares with a number from 0 to 1 or a percentage")]
    [InlineData("a: { when: \"consecutive_failures >= 2.5\", notify: [pager] }", "consecutive_failures compares with a whole number")]
    [InlineData("a: { when: \"latency => 5m\", notify: [pager] }", "is not a condition")]
    [InlineData("a: { when: \"freshness\", notify: [pager] }", "'freshness' needs a comparison")]
    [InlineData("a: { when: \"check_down > 1\", notify: [pager] }", "check_down is true or false")]
    [InlineData("a: { when: \"latency > 5m\", notify: [pagr] }", "alerts.a.notify names 'pagr', which is not a notifier; declared: pager, slack-ops")]
    [InlineData("a: { when: \"latency > 5m\" }", "alerts.a.notify must list at least one notifier")]
    [InlineData("a: { when: \"latency > 5m\", over: 1h, notify: [pager] }", "alerts.a.over applies to success_rate only")]
    [InlineData("a: { when: \"latency > 5m\", severity: fatal, notify: [pager] }", "severity must be one of: info, warning, error, critical; found 'fatal'")]
    [InlineData("a: { when: \"check_down\", targets: [t], notify: [pager] }", "alerts.a watches checks; choose them with checks:, not targets:")]
    [InlineData("a: { when: \"latency > 5m\", for: soon, notify: [pager] }", "'for' must be a duration")]
    [InlineData("a: { when: \"latency > 5m\", notify: [pager], colour: red }", "unknown key 'colour' in alerts.a")]
    public void BadRule_IsReportedWithWhatToWrite(string rule, string expected)
    {
        var error = SingleError(Notifiers + "\nalerts:\n  " + rule + "\n");

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(7, error.Line);
    }

    [Theory]
    [InlineData("p: { pagerduty: { routing_key: \"R0UTINGKEY\" } }", "notifiers.p.pagerduty.routing_key must be a secret reference such as \"${env:PAGERDUTY_ROUTING_KEY}\", not the secret itself")]
    [InlineData("p: { pagerduty: { routing_key: \"${env:K}\", endpoint: \"ftp://x\" } }", "endpoint must be an http:// or https:// URL")]
    [InlineData("p: { pagerduty: { routing_key: \"${env:K}\" }, on: [failed] }", "notifiers.p.on does not apply to a pagerduty notifier")]
    [InlineData("m: { email: { host: h, from: a@example.com, to: [b@example.com], user: u, password: hunter2 } }", "password must be a secret reference")]
    [InlineData("m: { email: { host: h, from: a@example.com, to: [b@example.com], user: u } }", "needs both user and password")]
    [InlineData("m: { email: { host: h, from: a@example.com, to: [b@example.com], starttls: never } }", "starttls must be required or when_available")]
    [InlineData("m: { email: { host: h, from: nobody, to: [b@example.com] } }", "'nobody' in notifiers.m.email is not an email address")]
    [InlineData("m: { email: { host: h, from: a@example.com } }", "notifiers.m.email.to must list at least one address")]
    public void BadChannel_IsReported(string notifier, string expected)
    {
        var error = SingleError("notifiers:\n  " + notifier + "\ntargets:\n  t: { entrypoint: \"true\" }\n");

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AlertOnlyNotifiers_AreNotSentRunOutcomes()
    {
        var config = Parse(Notifiers);
        var outcome = new RunOutcome { EventId = 1, Event = "run.failed", At = TimeProvider.System.GetUtcNow(), RunId = 1, Target = "t", Status = "failed", Message = "x", Attempt = 1, Trigger = "cli" };

        Assert.True(config.Notifiers.Single(n => n.Name == "slack-ops").Wants(outcome));
        Assert.False(config.Notifiers.Single(n => n.Name == "pager").Wants(outcome));
    }

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
