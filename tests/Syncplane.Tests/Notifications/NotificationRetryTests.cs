using Syncplane.Notifications;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Notifications;

/// <summary>Retries: 5xx, 429 and network errors are retried after a backoff; other 4xx are final; a given-up notification does not block later ones.</summary>
public sealed class NotificationRetryTests : IAsyncLifetime
{
    private NotificationReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await NotificationReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private string Yaml => $$"""
        notifiers:
          ops: { webhook: "{{_receiver.Url("/hook")}}" }
        """;

    [Fact]
    public async Task ServerErrorsTwice_IsDeliveredOnTheThirdAttempt_AfterTheDefaultBackoff()
    {
        var time = new FakeTimeProvider();
        _receiver.Time = time;
        await using var bed = await NotificationBed.SqliteAsync(time);
        bed.Options = new NotificationOptions { RequestTimeout = TimeSpan.FromDays(1) };
        await bed.StartAsync(Yaml);
        _receiver.Answer(500, 503);

        var runId = await bed.RunEndsAsync("docs", RunStatus.Failed);
        var requests = await _receiver.WaitForAsync(3, () => time.Advance(TimeSpan.FromMilliseconds(250)));

        Assert.All(requests, r => Assert.Equal(runId, r.Json.GetProperty("run_id").GetInt64()));
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(1), "the first retry waits 1s");
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromSeconds(5), "the second retry waits 5s");
        await NotificationBed.WaitUntilAsync(() => bed.Log.Any(l => l.Contains("notifier ops: sent", StringComparison.Ordinal)), "the delivery to be logged");
        Assert.Contains(bed.Log, l => l.Contains("attempt 1", StringComparison.Ordinal) && l.Contains("HTTP 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TooManyRequests_WaitsAsLongAsRetryAfterSays()
    {
        var time = new FakeTimeProvider();
        _receiver.Time = time;
        await using var bed = await NotificationBed.SqliteAsync(time);
        bed.Options = new NotificationOptions { RequestTimeout = TimeSpan.FromDays(1) };
        await bed.StartAsync(Yaml);
        _receiver.AnswerWithRetryAfter(429, "120");

        await bed.RunEndsAsync("docs", RunStatus.Failed);
        var requests = await _receiver.WaitForAsync(2, () => time.Advance(TimeSpan.FromSeconds(10)));

        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(120), "Retry-After: 120 is honoured instead of the 1s backoff");
    }

    [Fact]
    public async Task ClientError_IsNotRetried_AndTheNextNotificationStillGoesOut()
    {
        await using var bed = await NotificationBed.SqliteAsync();
        await bed.StartAsync(Yaml);
        _receiver.Answer(400);

        var first = await bed.RunEndsAsync("docs", RunStatus.Failed);
        await NotificationBed.WaitUntilAsync(() => bed.Log.Any(l => l.Contains("not retrying", StringComparison.Ordinal)), "the 400 to be logged");
        var second = await bed.RunEndsAsync("site", RunStatus.Failed);
        var requests = await _receiver.WaitForAsync(2);

        Assert.Equal([first, second], requests.Select(r => r.Json.GetProperty("run_id").GetInt64()));
        Assert.Contains(bed.Log, l => l.Contains("notifier ops", StringComparison.Ordinal) && l.Contains("HTTP 400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailingEveryAttempt_IsLoggedAndSkipped_SoLaterNotificationsAreSent()
    {
        await using var bed = await NotificationBed.SqliteAsync();
        await bed.StartAsync(Yaml);
        _receiver.Answer(503, 503, 503);

        var first = await bed.RunEndsAsync("docs", RunStatus.Failed);
        var second = await bed.RunEndsAsync("site", RunStatus.Failed);
        var requests = await _receiver.WaitForAsync(4);

        Assert.Equal([first, first, first, second], requests.Select(r => r.Json.GetProperty("run_id").GetInt64()));
        Assert.Contains(bed.Log, l => l.Contains("notifier ops: gave up", StringComparison.Ordinal) && l.Contains("after 3 attempts: HTTP 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnreachableReceiver_IsRetriedThenGivenUp()
    {
        await using var bed = await NotificationBed.SqliteAsync();
        await bed.StartAsync("""
            notifiers:
              ops: { webhook: "http://127.0.0.1:1/hook" }
            """);

        await bed.RunEndsAsync("docs", RunStatus.Failed);

        await NotificationBed.WaitUntilAsync(() => bed.Log.Any(l => l.Contains("gave up", StringComparison.Ordinal)), "the delivery to be given up");
        Assert.Equal(2, bed.Log.Count(l => l.Contains("retrying in", StringComparison.Ordinal)));
    }
}
