using System.Text.Json;
using Syncplane.Alerts;
using Syncplane.Storage;
using Syncplane.Tests.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Alerts;

/// <summary>
/// One alert sent to every kind of channel, received on 127.0.0.1: Slack's incoming-webhook body, PagerDuty Events
/// API v2 trigger and resolve with one dedup_key, the json webhook and GitHub repository_dispatch bodies, and a mail
/// over SMTP with the login from secret references. A failing channel shows in health and does not stop the others.
/// </summary>
public sealed class AlertChannelTests : IAsyncLifetime
{
    private readonly SmtpReceiver _smtp = new();
    private AlertBed _bed = null!;

    public async Task InitializeAsync()
    {
        AlertBed.Environment["SMTP_USER"] = "alerts@example.com";
        AlertBed.Environment["SMTP_PASSWORD"] = "smtp-secret-pw";
        _bed = await AlertBed.StartAsync($$"""
            targets:
              lz-docs: { entrypoint: "true" }
            notifiers:
              slack-ops: { webhook: "RECEIVER/slack", format: slack }
              pager: { pagerduty: { routing_key: "${env:PD_KEY}", endpoint: "RECEIVER/v2/enqueue" } }
              hook: { webhook: "RECEIVER/hook" }
              portal: { webhook: "RECEIVER/repos/o/r/dispatches", format: github_dispatch, headers: { Authorization: "Bearer ${env:PD_KEY}" } }
              broken: { webhook: "RECEIVER/broken" }
              mail:
                email:
                  host: 127.0.0.1
                  port: {{_smtp.Port}}
                  starttls: when_available
                  user: "${env:SMTP_USER}"
                  password: "${env:SMTP_PASSWORD}"
                  from: syncplane@example.com
                  to: [platform@example.com, oncall@example.com]
            alerts:
              failing: { when: "consecutive_failures >= 1", severity: critical, notify: [slack-ops, pager, hook, portal, broken, mail] }
            """);
        _bed.Receiver.StatusByPath["/broken"] = 500;
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task FiringAndResolve_ReachEveryChannelInItsDocumentedShape()
    {
        await _bed.RunAsync("lz-docs", RunStatus.Failed);
        await _bed.Evaluator.EvaluateAllAsync(CancellationToken.None);
        await SendUntilAsync(() => Paths().Count(p => p != "/broken") >= 4 && !_smtp.Mails.IsEmpty);

        var slack = Body("/slack");
        Assert.Equal(["text"], slack.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Syncplane: [FIRING] failing on target lz-docs: consecutive_failures &gt;= 1 (now 1)", slack.GetProperty("text").GetString());

        var trigger = Body("/v2/enqueue");
        Assert.Equal(["routing_key", "event_action", "dedup_key", "payload", "client"], trigger.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("pd-routing-key-123", "trigger", "syncplane/failing/target/lz-docs"),
            (trigger.GetProperty("routing_key").GetString(), trigger.GetProperty("event_action").GetString(), trigger.GetProperty("dedup_key").GetString()));
        var payload = trigger.GetProperty("payload");
        Assert.Equal(("critical", "target/lz-docs"), (payload.GetProperty("severity").GetString(), payload.GetProperty("source").GetString()));
        Assert.Contains("failing on target lz-docs", payload.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(payload.GetProperty("timestamp").GetString(), out _));

        var hook = Body("/hook");
        Assert.Equal(("alert.firing", "failing", "lz-docs", "critical", "1"),
            (hook.GetProperty("event").GetString(), hook.GetProperty("rule").GetString(), hook.GetProperty("target").GetString(), hook.GetProperty("severity").GetString(), hook.GetProperty("value").GetString()));

        var dispatch = Body("/repos/o/r/dispatches");
        Assert.Equal("syncplane.alert.firing", dispatch.GetProperty("event_type").GetString());
        Assert.True(dispatch.GetProperty("client_payload").EnumerateObject().Count() <= 10);
        Assert.Equal("Bearer pd-routing-key-123", _bed.Receiver.Requests.Single(r => r.Path == "/repos/o/r/dispatches").Headers["Authorization"]);

        var mail = Assert.Single(_smtp.Mails);
        Assert.Equal(("alerts@example.com:smtp-secret-pw", "syncplane@example.com"), (mail.Login, mail.From));
        Assert.Equal(["platform@example.com", "oncall@example.com"], mail.To);
        Assert.Contains("Subject: [FIRING] failing on target lz-docs", mail.Data, StringComparison.Ordinal);

        // Resolve: PagerDuty gets a resolve with the same dedup_key and nothing else.
        await _bed.RunAsync("lz-docs", RunStatus.Succeeded);
        await _bed.Evaluator.EvaluateAllAsync(CancellationToken.None);
        await SendUntilAsync(() => _bed.Receiver.Requests.Count(r => r.Path == "/v2/enqueue") == 2 && _smtp.Mails.Count == 2);
        var resolve = JsonDocument.Parse(_bed.Receiver.Requests.Where(r => r.Path == "/v2/enqueue").Last().Body).RootElement;
        Assert.Equal(["routing_key", "event_action", "dedup_key"], resolve.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("resolve", "syncplane/failing/target/lz-docs"), (resolve.GetProperty("event_action").GetString(), resolve.GetProperty("dedup_key").GetString()));
        Assert.Equal(2, _bed.Receiver.Requests.Count(r => r.Path == "/slack"));
        Assert.Contains("Subject: [RESOLVED] failing on target lz-docs", _smtp.Mails.Last().Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingChannel_IsRetriedWithBackoff_ShowsAsFailing_AndDoesNotHoldUpTheOthers()
    {
        await _bed.RunAsync("lz-docs", RunStatus.Failed);
        await _bed.Evaluator.EvaluateAllAsync(CancellationToken.None);
        await SendUntilAsync(() => Paths().Count(p => p != "/broken") >= 4 && !_smtp.Mails.IsEmpty && Paths().Contains("/broken"));

        var channels = await _bed.Store.ListAlertChannelsAsync(CancellationToken.None);
        var broken = channels.Single(c => c.Notifier == "broken");
        Assert.Equal((true, 1, 1), (broken.Failing, broken.ConsecutiveFailures, broken.Pending));
        Assert.Contains("HTTP 500", broken.LastError, StringComparison.Ordinal);
        Assert.All(channels.Where(c => c.Notifier != "broken"), c => Assert.Equal((false, 0), (c.Failing, c.Pending)));

        // Not retried before its backoff (10s), then retried; the next answers fail too until it gives up after 5 attempts.
        await _bed.Sender.SendDueAsync(CancellationToken.None);
        Assert.Equal(1, Paths().Count(p => p == "/broken"));
        for (var attempt = 2; attempt <= 6; attempt++)
        {
            _bed.Time.Advance(TimeSpan.FromMinutes(16));
            await _bed.Sender.SendDueAsync(CancellationToken.None);
        }

        Assert.Equal(5, Paths().Count(p => p == "/broken"));
        broken = (await _bed.Store.ListAlertChannelsAsync(CancellationToken.None)).Single(c => c.Notifier == "broken");
        Assert.Equal((true, 5, 0), (broken.Failing, broken.ConsecutiveFailures, broken.Pending));
    }

    private List<string> Paths() => [.. _bed.Receiver.Requests.Select(r => r.Path)];

    private JsonElement Body(string path) => _bed.Receiver.Requests.Single(r => r.Path == path).Json;

    private async Task SendUntilAsync(Func<bool> done)
    {
        await _bed.Sender.SendDueAsync(CancellationToken.None);
        await NotificationBed.WaitUntilAsync(done, "the channels to receive");
    }
}
