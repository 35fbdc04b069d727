using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Notifications;
using Syncplane.Storage;

namespace Syncplane.Tests.Notifications;

/// <summary>Which outcomes are sent, and that the cursor makes restarts neither lose nor repeat them.</summary>
public sealed class NotificationDispatcherTests : IAsyncLifetime
{
    private NotificationReceiver _receiver = null!;
    private NotificationBed _bed = null!;

    public async Task InitializeAsync()
    {
        _receiver = await NotificationReceiver.StartAsync();
        _bed = await NotificationBed.SqliteAsync();
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private IEnumerable<(string? Target, string? Status)> Received() =>
        _receiver.Requests.Select(r => (r.Json.GetProperty("target").GetString(), r.Json.GetProperty("status").GetString()));

    [Fact]
    public async Task OnlyTheListedStatusesOfMatchingTargetsAreSent()
    {
        await _bed.StartAsync($$"""
            notifiers:
              ops:
                webhook: "{{_receiver.Url("/hook")}}"
                on: [failed, refused]
                targets: ["docs*"]
            """);

        await _bed.RunEndsAsync("site", RunStatus.Failed);
        await _bed.RunEndsAsync("docs", RunStatus.Succeeded);
        await _bed.RunEndsAsync("docs", RunStatus.Cancelled);
        await _bed.RunEndsAsync("docs-api", RunStatus.Refused);
        await _bed.RunEndsAsync("docs", RunStatus.Failed);
        await _receiver.WaitForAsync(2);
        await _bed.RunEndsAsync("site", RunStatus.Refused);
        await _bed.RunEndsAsync("docs", RunStatus.Failed, "sentinel");
        await _receiver.WaitForAsync(3);

        Assert.Equal([("docs-api", "refused"), ("docs", "failed"), ("docs", "failed")], Received());
    }

    [Fact]
    public async Task DefaultIsFailedOnly()
    {
        await _bed.StartAsync($$"""
            notifiers:
              ops: { webhook: "{{_receiver.Url("/hook")}}" }
            """);

        await _bed.RunEndsAsync("docs", RunStatus.Succeeded);
        await _bed.RunEndsAsync("docs", RunStatus.Refused);
        await _bed.RunEndsAsync("docs", RunStatus.Failed);
        await _receiver.WaitForAsync(1);
        await _bed.RunEndsAsync("site", RunStatus.Failed);
        await _receiver.WaitForAsync(2);

        Assert.Equal([("docs", "failed"), ("site", "failed")], Received());
    }

    [Fact]
    public async Task Recovered_IsASuccessAfterAFailure_NotEverySuccess()
    {
        await _bed.StartAsync($$"""
            notifiers:
              ops: { webhook: "{{_receiver.Url("/hook")}}", on: [recovered] }
            """);

        await _bed.RunEndsAsync("docs", RunStatus.Succeeded);
        await _bed.RunEndsAsync("docs", RunStatus.Failed);
        var recovered = await _bed.RunEndsAsync("docs", RunStatus.Succeeded);
        await _bed.RunEndsAsync("docs", RunStatus.Succeeded);
        await _bed.RunEndsAsync("docs", RunStatus.Failed);
        await _bed.RunEndsAsync("docs", RunStatus.Cancelled);
        var again = await _bed.RunEndsAsync("docs", RunStatus.Succeeded);
        var requests = await _receiver.WaitForAsync(2);

        Assert.Equal([recovered, again], requests.Select(r => r.Json.GetProperty("run_id").GetInt64()));
        Assert.All(requests, r => Assert.True(r.Json.GetProperty("recovered").GetBoolean()));
    }

    [Fact]
    public async Task FirstStart_DoesNotReplayHistory_AndARestartResumesFromTheCursorWithoutResending()
    {
        var yaml = $$"""
            notifiers:
              ops: { webhook: "{{_receiver.Url("/hook")}}" }
            """;
        await _bed.RunEndsAsync("before-any-dispatcher", RunStatus.Failed);
        await _bed.StartAsync(yaml);
        var first = await _bed.RunEndsAsync("docs", RunStatus.Failed);
        await _receiver.WaitForAsync(1);
        await NotificationBed.WaitUntilAsync(() => Cursor() >= LastEventId(), "the cursor to pass the first event");
        await _bed.StopAsync(0);

        var whileDown = await _bed.RunEndsAsync("site", RunStatus.Failed);
        await _bed.StartAsync(yaml, "node-b");
        var afterRestart = await _bed.RunEndsAsync("docs", RunStatus.Failed);
        await _receiver.WaitForAsync(3);
        await NotificationBed.WaitUntilAsync(() => Cursor() >= LastEventId(), "the cursor to reach the end");

        Assert.Equal([first, whileDown, afterRestart], _receiver.Requests.Select(r => r.Json.GetProperty("run_id").GetInt64()));
    }

    [Fact]
    public async Task ASecretInTheUrl_ReachesTheReceiver_ButNeverTheLogsOrEvents()
    {
        const string secret = "T0SECRET/B0SECRET/xoxsecretpart";
        _bed.Environment["SLACK_PATH"] = secret;
        _bed.Environment["SLACK_URL"] = _receiver.Url("/services/" + secret);
        await _bed.StartAsync($$"""
            notifiers:
              partial: { webhook: "{{_receiver.Url("/services/")}}${env:SLACK_PATH}", format: slack }
              whole: { webhook: "${env:SLACK_URL}", format: slack }
            """);
        _receiver.Answer(500);

        await _bed.RunEndsAsync("docs", RunStatus.Failed);
        var requests = await _receiver.WaitForAsync(3);
        await NotificationBed.WaitUntilAsync(() => _bed.Log.Count(l => l.Contains(": sent", StringComparison.Ordinal)) == 2, "both deliveries to be logged");

        Assert.All(requests, r => Assert.Equal("/services/" + secret, Uri.UnescapeDataString(r.Path)));
        Assert.Contains(_bed.Log, l => l.Contains("retrying", StringComparison.Ordinal) && l.Contains("HTTP 500", StringComparison.Ordinal));
        Assert.Contains(_bed.Log, l => l.Contains("notifier whole: sent", StringComparison.Ordinal) && l.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(_bed.Log, l => l.Contains("SECRET", StringComparison.Ordinal) || l.Contains("xoxsecretpart", StringComparison.Ordinal));
        var events = await _bed.Store.ReadEventsAsync(0, 1000, CancellationToken.None);
        Assert.DoesNotContain(events, e => e.Data.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OtherEvents_AreNotSent_ButTheCursorPassesThem()
    {
        await _bed.StartAsync($$"""
            notifiers:
              ops: { webhook: "{{_receiver.Url("/hook")}}", on: [failed, succeeded, refused, cancelled] }
            """);

        await _bed.Store.AppendEventAsync(new NewEvent(EventTypes.CheckChanged, "docs", null, new JsonObject()), CancellationToken.None);
        await _bed.Store.AppendEventAsync(new NewEvent(EventTypes.RunQueued, "docs", 99, new JsonObject()), CancellationToken.None);
        var ended = await _bed.RunEndsAsync("docs", RunStatus.Succeeded);
        var requests = await _receiver.WaitForAsync(1);

        Assert.Equal(ended, requests.Single().Json.GetProperty("run_id").GetInt64());
    }

    private long Cursor() => _bed.Store.GetCursorAsync(NotificationDispatcher.CursorName, CancellationToken.None).GetAwaiter().GetResult() ?? 0;

    private long LastEventId() => _bed.Store.GetLastEventIdAsync(CancellationToken.None).GetAwaiter().GetResult();
}
