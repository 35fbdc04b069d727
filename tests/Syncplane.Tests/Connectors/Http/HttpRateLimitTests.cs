using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Http;

/// <summary>Rate limits through the worker: an upstream 429, a shared budget of page requests, a budget kept in the store.</summary>
public sealed class HttpRateLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
    private readonly FakeApi _api = new();
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await EngineTestBed.CreateAsync($$"""
            rate_limits:
              api: 3/minute burst 3          # 3 page requests at once, then one a minute
            targets:
              first:
                source: { http: { url: "{{_api.Url}}/first", records: data, key: [id], next: paging.next } }
                destination: { directory: { path: first } }
                rate_limit: api
              second:
                source: { http: { url: "{{_api.Url}}/second", records: data, key: [id], next: paging.next } }
                destination: { directory: { path: second } }
                rate_limit: api
              hourly:
                source: { http: { url: "{{_api.Url}}/hourly", records: data, key: [id] } }
                destination: { directory: { path: hourly } }
                rate_limit: 2/hour burst 2
              open:
                source: { http: { url: "{{_api.Url}}/open", records: data, key: [id] } }
                destination: { directory: { path: open } }
            """);
        foreach (var name in new[] { "first", "second" })
        {
            _api.Page($"/{name}", $"/{name}?page=2", new { id = 1 });
            _api.Page($"/{name}?page=2", null, new { id = 2 });
        }

        _api.Page("/hourly", null, new { id = 1 });
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Upstream429WithRetryAfter_PostponesTheRunWithoutSpendingAnAttempt()
    {
        _api.Pages["/open"] = new LoopbackHttpServer.Reply(429, "slow down") { Headers = new Dictionary<string, string> { ["Retry-After"] = "120" } };
        var queued = await _bed.EnqueueAsync("open");
        _bed.Start(_bed.NewWorker().RunAsync);

        var postponed = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Postponed, Step);
        var waiting = await _bed.Store.GetRunAsync(queued.RunId, CancellationToken.None);
        var state = await _bed.Store.GetTargetStateAsync("open", CancellationToken.None);
        _api.Page("/open", null, new { id = 1 });
        var restarted = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, Step);
        var finished = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);

        Assert.Contains($"rate limited by {_api.Url} (429); waiting 2m (Retry-After); attempt 1 is not spent", postponed.Message, StringComparison.Ordinal);
        Assert.Equal((RunStatus.Queued, 0), (waiting!.Status, waiting.Attempt)); // no attempt spent: the next claim is attempt 1 again
        Assert.InRange(waiting.NotBefore!.Value - postponed.At, TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(120));
        Assert.Equal(("waiting", waiting.NotBefore), (state!.Status, state.Current!.WaitUntil)); // not a silent "queued", not an error
        Assert.StartsWith($"rate limited by {_api.Url} (429); waiting 2m (Retry-After)", state.Current.WaitReason, StringComparison.Ordinal);
        Assert.True(restarted.At >= waiting.NotBefore);
        Assert.Equal(("succeeded", 1, queued.RunId), (finished.Status, finished.Attempt, finished.RunId));
        var log = await _bed.Store.GetLogAsync(queued.RunId, CancellationToken.None);
        Assert.Contains(log, l => l.Message.Contains("returned 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SharedBudget_AllowsExactlyItsPageRequests_ThenTheNextTargetWaitsAndIsNotFailed()
    {
        _bed.Start(_bed.NewWorker().RunAsync);
        await _bed.EnqueueAsync("first");
        await _bed.NextEventAsync(e => e is { Kind: WorkerEventKind.Finished, Target: "first" }, Step);
        var start = _bed.Time.UtcNow;

        await _bed.EnqueueAsync("second");
        await _bed.NextEventAsync(e => e is { Kind: WorkerEventKind.Started, Target: "second" }, Step);
        await WaitForRequestsAsync(3);
        await Task.Delay(300);
        var requestsWhileWaiting = _api.Requests.Count;
        var finished = await _bed.NextEventAsync(e => e.Kind != WorkerEventKind.Started, Step);

        Assert.Equal(3, requestsWhileWaiting); // first's 2 pages and second's page 1; page 2 waits for the next token
        Assert.Equal((WorkerEventKind.Finished, "succeeded", 1), (finished.Kind, finished.Status, finished.Attempt));
        Assert.True(finished.At >= start.AddSeconds(55), $"second finished at {finished.At}, before the next token");
        Assert.Equal(4, _api.Requests.Count);
        Assert.True(File.Exists(_bed.Directory.Combine("second", "2.json")));
    }

    [Fact]
    public async Task SpentBudget_KeptInTheStore_PostponesARunOnAnotherStoreInstanceUntilTheNextToken()
    {
        var direct = await new SyncRunner(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets)
            .RunAsync(_bed.Config.Targets.Single(t => t.Name == "hourly"), new RunOptions(), null, null, null, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, direct.Status);
        var spentAt = _bed.Time.UtcNow;
        var again = await new SyncRunner(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets)
            .RunAsync(_bed.Config.Targets.Single(t => t.Name == "hourly"), new RunOptions(), null, null, null, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, again.Status); // burst 2: both calls went at once

        // A restarted node: a new store on the same database file, a new worker.
        await using var restarted = new SqliteSyncStore(_bed.Directory.Combine(".syncplane", "test.db"), _bed.Time);
        var queued = await _bed.EnqueueAsync("hourly");
        _bed.Start(_bed.NewWorker(store: restarted).RunAsync);
        var postponed = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Postponed, Step);
        var waiting = await restarted.GetRunAsync(queued.RunId, CancellationToken.None);

        var log = await restarted.GetLogAsync(queued.RunId, CancellationToken.None);

        Assert.StartsWith("waiting for rate limit of target 'hourly' (2/hour burst 2): next token in ", postponed.Message, StringComparison.Ordinal); // ours, not the upstream's
        Assert.EndsWith("; attempt 1 is not spent", postponed.Message, StringComparison.Ordinal);
        Assert.Contains(log, l => l.Message.Contains("rate limit of target 'hourly' (2/hour burst 2) is spent; the next call is allowed at", StringComparison.Ordinal));
        Assert.Equal((RunStatus.Queued, 0), (waiting!.Status, waiting.Attempt)); // no attempt spent: the next claim is attempt 1 again
        // 2/hour burst 2 refills one token an hour; the clock may have stepped a little before the requeue.
        Assert.InRange(waiting.NotBefore!.Value, spentAt.AddHours(1), spentAt.AddHours(1).AddSeconds(5));
        Assert.Equal(2, _api.Requests.Count);

        _bed.Time.Advance(TimeSpan.FromHours(1));
        var finished = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);
        Assert.Equal(("succeeded", 1), (finished.Status, finished.Attempt));
        Assert.Equal(3, _api.Requests.Count);
    }

    private async Task WaitForRequestsAsync(int count)
    {
        for (var i = 0; i < 500 && _api.Requests.Count < count; i++)
        {
            await Task.Delay(20);
        }
    }
}
