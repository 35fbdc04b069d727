using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Storage.Rollups;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Storage;

public sealed class RetentionTests
{
    [Fact]
    public async Task OldEvents_AreDeletedAtStartAndEveryInterval_RecentOnesKept()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        await using var store = new SqliteSyncStore(dir.Combine("s.db"), time);
        await store.MigrateAsync(CancellationToken.None);
        await store.AppendEventAsync(new NewEvent("x.first", null, null, new JsonObject()), CancellationToken.None);
        time.Advance(TimeSpan.FromDays(3));
        await store.AppendEventAsync(new NewEvent("x.second", null, null, new JsonObject()), CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var log = new List<string>();
        var policy = new RetentionPolicy { Events = TimeSpan.FromDays(2), Interval = TimeSpan.FromHours(6) };
        var retention = new Retention(store, policy, time, line => { lock (log) { log.Add(line); } }).RunAsync(stop.Token);

        await WaitForAsync(async () => (await store.ReadEventsAsync(0, 10, CancellationToken.None)).Count == 1);
        Assert.Equal("x.second", (await store.ReadEventsAsync(0, 10, CancellationToken.None))[0].Type);

        time.Advance(TimeSpan.FromDays(1)); // x.second is a day old: kept
        await Task.Yield();
        Assert.Single(await store.ReadEventsAsync(0, 10, CancellationToken.None));
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(6)); // past 2 days, and a pass is due
        // The pass's timer may be set only after an Advance above (the loop sets it once the first pass returns):
        // each poll moves the clock on by one interval, so a pass is due however late the timer was set.
        await WaitForAsync(async () => (await store.ReadEventsAsync(0, 10, CancellationToken.None)).Count == 0, () => time.Advance(policy.Interval));

        await stop.CancelAsync();
        await retention;
        lock (log)
        {
            Assert.Contains(log, line => line.Contains("1 event(s) older than 2d", StringComparison.Ordinal));
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, Action? eachPoll = null)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "timed out");
            await Task.Delay(10);
            eachPoll?.Invoke();
        }
    }
}
