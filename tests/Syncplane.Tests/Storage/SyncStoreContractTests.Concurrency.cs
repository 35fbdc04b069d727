using System.Collections.Concurrent;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task Workers_ClaimingAndCompletingConcurrently_FinishEveryRunOnceAndNeverRunATargetTwiceAtOnce()
    {
        const int targets = 50, runsPerTarget = 10, workers = 6;
        var enqueued = new ConcurrentDictionary<string, int>();
        for (var t = 0; t < targets; t++)
        {
            await Store.EnqueueAsync(Request($"t{t:00}"), Ct);
            enqueued[$"t{t:00}"] = 1;
        }

        var running = new ConcurrentDictionary<string, long>();
        var completed = new ConcurrentDictionary<long, int>();
        var overlaps = new ConcurrentBag<string>();
        var stores = Enumerable.Range(0, workers).Select(w => w % 2 == 0 ? Store : Open()).ToList();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
        {
            while (completed.Count < targets * runsPerTarget)
            {
                timeout.Token.ThrowIfCancellationRequested();
                if (await store.ClaimAsync($"w{w}", TimeSpan.FromMinutes(5), Ct) is not { } lease)
                {
                    await Task.Delay(1, timeout.Token);
                    continue;
                }

                if (!running.TryAdd(lease.Target, lease.RunId))
                {
                    overlaps.Add($"{lease.Target}: run {lease.RunId} while {running[lease.Target]}");
                }

                // The next run of the target is queued while this one runs, as a trigger during a sync would be.
                if (enqueued.AddOrUpdate(lease.Target, 1, (_, n) => n + 1) <= runsPerTarget)
                {
                    Assert.False((await store.EnqueueAsync(Request(lease.Target), Ct)).Coalesced);
                }

                running.TryRemove(lease.Target, out _);
                Assert.True(await store.CompleteRunAsync(lease.RunId, Done(lease), Ct));
                completed.AddOrUpdate(lease.RunId, 1, (_, n) => n + 1);
            }
        }, timeout.Token)));

        Assert.Empty(overlaps);
        Assert.Equal(targets * runsPerTarget, completed.Count);
        Assert.All(completed.Values, n => Assert.Equal(1, n));
        var runs = await Store.ListRunsAsync(new RunQuery(Limit: 10_000), Ct);
        Assert.Equal(targets * runsPerTarget, runs.Count);
        Assert.All(runs, r => Assert.Equal((RunStatus.Succeeded, 1), (r.Status, r.Attempt)));
        Assert.All(runs.GroupBy(r => r.Target), g => Assert.Equal(runsPerTarget, g.Count()));
    }

    [Fact]
    public async Task EnqueueAsync_ConcurrentTriggersForOneTarget_EndInOneQueuedRunWithEveryTrigger()
    {
        var stores = new[] { Store, Open(), Open() };

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => stores[i % 3].EnqueueAsync(Request("docs", $"trigger-{i}"), Ct))));

        var run = Assert.Single(await Store.ListRunsAsync(new RunQuery("docs"), Ct));
        Assert.All(results, r => Assert.Equal(run.Id, r.RunId));
        Assert.Single(results, r => !r.Coalesced);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"trigger-{i}").Order(StringComparer.Ordinal), run.Triggers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RequeueAsync_RacingATriggerForTheSameTarget_BothSucceedAndOneRunStaysQueued()
    {
        var other = Open();
        for (var round = 0; round < 15; round++)
        {
            await Store.EnqueueAsync(Request("docs"), Ct);
            var lease = (await Store.ClaimAsync("w1", Lease, Ct))!;

            var requeue = Task.Run(() => Store.RequeueAsync(lease.RunId, lease.Fence, Time.UtcNow.AddSeconds(5), "retry after: boom", true, null, Ct));
            var enqueue = Task.Run(() => other.EnqueueAsync(Request("docs", "webhook"), Ct));
            Assert.True(await requeue);
            await enqueue;

            var queued = Assert.Single(await Store.ListRunsAsync(new RunQuery("docs", RunStatus.Queued), Ct));
            Assert.Empty(await Store.ListRunsAsync(new RunQuery("docs", RunStatus.Running), Ct));
            Assert.Contains("webhook", queued.Triggers);
            Time.Advance(TimeSpan.FromSeconds(5));
            var next = (await Store.ClaimAsync("w1", Lease, Ct))!;
            Assert.True(await Store.CompleteRunAsync(next.RunId, Done(next), Ct));
        }
    }

    /// <summary>
    /// Makes sure a store hears other nodes before a test waits (PostgreSQL: the LISTEN connection is up; SQLite: the
    /// wake files are watched), and takes any wake-up that starting to listen gives.
    /// </summary>
    protected virtual Task StartListeningAsync(ISyncStore store) => Task.CompletedTask;

    [Fact]
    public async Task WaitForWorkAsync_AnEnqueueInThisProcess_WakesTheWaiter()
    {
        await StartListeningAsync(Store);
        var waiting = Store.WaitForWorkAsync(TimeSpan.FromHours(1), Ct);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        await Store.EnqueueAsync(Request("docs"), Ct);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitForWorkAsync_AnEnqueueOnAnotherStoreOfTheSameDatabase_WakesItsWaiter()
    {
        // Two store objects share no in-process signal: they stand for two processes (SQLite) or nodes (PostgreSQL).
        var other = Open();
        await StartListeningAsync(other);
        var woken = other.WaitForWorkAsync(TimeSpan.FromSeconds(30), Ct);
        await Task.Delay(50);
        Assert.False(woken.IsCompleted);

        await Store.EnqueueAsync(Request("docs"), Ct);

        // The clock is fake and never advanced: only a wake-up ends the 30 s wait.
        await woken.WaitAsync(TimeSpan.FromSeconds(10));
        var next = other.WaitForWorkAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("docs", (await other.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct))?.Target);
        await Task.Delay(200);
        Assert.False(next.IsCompleted); // one enqueue, one wake-up: the wait does not simply return
    }

    [Fact]
    public async Task WaitForWorkAsync_NothingQueued_ReturnsAfterMaxWait()
    {
        await StartListeningAsync(Store);
        var waiting = Store.WaitForWorkAsync(TimeSpan.FromMinutes(1), Ct);

        Time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitForWorkAsync_Cancelled_Throws()
    {
        await StartListeningAsync(Store);
        using var cancel = new CancellationTokenSource();
        var waiting = Store.WaitForWorkAsync(TimeSpan.FromHours(1), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
