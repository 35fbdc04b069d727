using System.Diagnostics;
using Syncplane.Config;
using Syncplane.Engine.Watch;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Watch;

public sealed class WatchServiceTests
{
    /// <summary>
    /// A watcher's run need not survive a power cut (the restart walks the tree in any case), so its request is queued
    /// without waiting for the disk: at 100,000 files the fsync of that commit was the largest and most variable step
    /// between a write and its copy (issue 18).
    /// </summary>
    [Fact]
    public async Task TheRunsAWatcherQueues_AreRecoverableRequests_WhichTheStoreCommitsWithoutWaitingForTheDisk()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        var config = ConfigLoader.Default.Parse(
            "targets:\n  mirror:\n    source:\n      directory: { path: ./in, watch: true }\n    destination:\n      directory: { path: ./out }\n    schedule: daily\n",
            dir.Combine("syncplane.yaml"));
        await using var sqlite = new SqliteSyncStore(dir.Combine("watch.db"), TimeProvider.System);
        await sqlite.MigrateAsync(CancellationToken.None);
        var store = new InterceptingStore(sqlite);
        using var stop = new CancellationTokenSource();
        var watching = new WatchService(config, store.Proxy, TimeProvider.System, new ChangeJournals()).RunAsync(stop.Token);

        // The watch queues a run at start (what changed while nobody watched), and one for each burst of changes.
        await UntilAsync(() => Task.FromResult(!store.Enqueued.IsEmpty));
        dir.Write("in/a.txt", "hello");
        await UntilAsync(async () => store.Enqueued.Count >= 2 && await sqlite.CountQueuedAsync(CancellationToken.None) == 1); // coalesced
        await stop.CancelAsync();
        await watching;

        Assert.All(store.Enqueued, request =>
        {
            Assert.Equal(WatchedTargets.Trigger, request.Trigger);
            Assert.True(request.Recoverable);
        });
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the watcher queued nothing");
            await Task.Delay(20);
        }
    }
}
