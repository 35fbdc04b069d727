using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Engine.Watch;

/// <summary>
/// Watches the source folders of this node's watched targets (<see cref="WatchedTargets"/>) and queues a run of the
/// target after each burst of changes. A watch that cannot start is logged and left to the schedule; the journals
/// it fills tell this node's runner which paths changed (<see cref="ChangeJournals"/>).
/// </summary>
internal sealed class WatchService(SyncplaneConfig config, ISyncStore store, TimeProvider time, ChangeJournals journals, Action<string>? onLog = null)
{
    /// <summary>Watches until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var watchers = new List<DirectoryWatcher>();
        try
        {
            foreach (var target in config.Targets)
            {
                if (WatchedTargets.Of(target) is { } watch && Start(target, watch.Debounce, stopping) is { } watcher)
                {
                    watchers.Add(watcher);
                }
            }

            await Task.Delay(Timeout.Infinite, stopping);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    private DirectoryWatcher? Start(TargetConfig target, TimeSpan debounce, CancellationToken stopping)
    {
        var root = WatchedTargets.Root(target);
        var journal = journals.Add(target.Name, new ChangeJournal());
        try
        {
            var watcher = new DirectoryWatcher(root, journal, debounce, time, () => _ = EnqueueAsync(target, stopping), ex =>
                onLog?.Invoke($"watch: {target.Name}: {ex.Message}; the next run walks the whole tree (see docs/watch.md for the inotify limits)"));
            onLog?.Invoke($"watch: {target.Name}: watching {root} (debounce {DurationParser.Format(debounce)})");
            watcher.WalkSoon(); // what changed while nobody watched
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            journals.Remove(target.Name);
            onLog?.Invoke($"watch: {target.Name}: cannot watch {root}: {ex.Message}; only its schedule runs it (see docs/watch.md for the inotify limits)");
            return null;
        }
    }

    private async Task EnqueueAsync(TargetConfig target, CancellationToken stopping)
    {
        try
        {
            var direction = target.Direction.ToString().ToLowerInvariant();
            await store.EnqueueAsync(new RunRequest(target.Name, WatchedTargets.Trigger, RunPriority.Scheduled, time.GetUtcNow(), direction, config.Defaults.DryRun)
            {
                Recoverable = true, // lost with this process's journal in a power cut; the restart walks the tree
            }, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The journal keeps the paths: the next change or the schedule runs the target.
            onLog?.Invoke($"watch: {target.Name}: could not queue a run: {ex.Message}");
        }
    }
}
