using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>
/// Claims queued runs under a lease and runs them, up to <see cref="WorkerOptions.Concurrency"/> at once:
/// renews each lease every third of its duration (a run whose renewal is refused was taken over and is
/// cancelled), completes with the fence, retries failures per the target's policy, returns expired
/// leases of other workers to the queue, and on shutdown lets running runs finish within a grace period
/// before releasing the rest.
/// </summary>
internal sealed partial class Worker(SyncplaneConfig config, ISyncStore store, SyncRunner runner, TimeProvider time, WorkerOptions options, Action<WorkerEvent>? onEvent = null)
{
    private readonly Dictionary<string, TargetConfig> _targets = config.Targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
    private readonly Dictionary<long, ActiveRun> _active = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _wake = NewSignal();
    private CancellationToken _stopping = new(canceled: true);

    /// <summary>Runs until <paramref name="stopping"/> is cancelled (or, with <see cref="WorkerOptions.ExitWhenIdle"/>, the queue drains), then shuts down gracefully.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        _stopping = stopping;
        DateTimeOffset? lastRecovery = null;
        await PrepareAsync(stopping);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var wake = Volatile.Read(ref _wake).Task;
                if (lastRecovery is not { } last || time.GetUtcNow() - last >= options.RecoveryInterval)
                {
                    // What a dead Syncplane process on this host left running dies before its runs can run again.
                    Process.OrphanSweep.KillOrphans();
                    await store.RecoverExpiredLeasesAsync(stopping);
                    lastRecovery = time.GetUtcNow();
                }

                var free = ActiveCount < options.Concurrency;
                var claiming = Telemetry.StageTimes.Start();
                if (free && await store.ClaimAsync(options.WorkerId, options.LeaseDuration, stopping) is { } lease)
                {
                    Telemetry.StageTimes.Since("worker.claim", claiming);
                    Start(lease);
                    continue;
                }

                if (options.ExitWhenIdle && ActiveCount == 0 && await DrainedAsync(stopping))
                {
                    break;
                }

                await IdleAsync(wake, free, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The store is unreachable (a database restart): running runs carry on; claiming resumes when it answers.
                onEvent?.Invoke(new WorkerEvent(WorkerEventKind.StoreUnavailable, 0, "", 0, null, $"{ex.Message}; retrying in {Config.DurationParser.Format(options.IdleWait)}", time.GetUtcNow()));
                await DelayAsync(options.IdleWait, stopping);
            }
        }

        await DrainAsync();
    }

    // The first runs start as fast as later ones. A store that does not answer yet is the loop's to report.
    private async Task PrepareAsync(CancellationToken stopping)
    {
        try
        {
            await store.PrepareQueueAsync(options.WorkerId, options.LeaseDuration, stopping);
        }
        catch (Exception)
        {
            // Unreachable or stopping: the loop below reports the one and ends on the other.
        }
    }

    // Nothing due in the queue and nothing running anywhere (a run held by a dead worker is not drained: its lease will expire).
    private async Task<bool> DrainedAsync(CancellationToken ct) =>
        await store.CountQueuedAsync(ct) == 0 && (await store.ListRunsAsync(new RunQuery(Status: RunStatus.Running, Limit: 1), ct)).Count == 0;

    private int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, time, stopping);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Wake() => Interlocked.Exchange(ref _wake, NewSignal()).TrySetResult();

    // Waits for new work (the store's wake-up), a freed slot, or the stop signal, whichever comes first.
    private async Task IdleAsync(Task wake, bool canClaim, CancellationToken stopping)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var cancelled = NewSignal();
        await using (wait.Token.Register(() => cancelled.TrySetResult()))
        {
            var work = canClaim ? store.WaitForWorkAsync(options.IdleWait, wait.Token) : cancelled.Task;
            await Task.WhenAny(work, wake, cancelled.Task);
            await wait.CancelAsync();
            try
            {
                await work;
            }
            catch (OperationCanceledException)
            {
            }
        }

        stopping.ThrowIfCancellationRequested();
    }

    private void Start(RunLease lease)
    {
        // Under the lock, so a drain that lists the active runs never sees one without its task.
        var active = new ActiveRun(lease);
        lock (_gate)
        {
            _active[lease.RunId] = active;
            active.Task = Task.Run(() => ProcessAsync(active));
        }
    }

    // Lets running runs finish within the grace period, then releases the rest. Repeats while runs remain: a
    // run that completed as the stop came may have handed its worker a next run (CompleteAndClaimAsync).
    private async Task DrainAsync()
    {
        using var graceOver = new CancellationTokenSource();
        var grace = Task.Delay(options.ShutdownGrace, time, graceOver.Token);
        while (ActiveRuns() is { Count: > 0 } running)
        {
            var all = Task.WhenAll(running.Select(r => r.Task!));
            if (await Task.WhenAny(all, grace) != all)
            {
                foreach (var run in running)
                {
                    run.Release();
                }
            }

            await all;
        }

        await graceOver.CancelAsync();
        try
        {
            // A last look: runs of workers that died return to the queue rather than stay "running" if this node was the last.
            await store.RecoverExpiredLeasesAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The store is unreachable; the next node to start recovers them.
        }
    }

    private List<ActiveRun> ActiveRuns()
    {
        lock (_gate)
        {
            return [.. _active.Values];
        }
    }
}
