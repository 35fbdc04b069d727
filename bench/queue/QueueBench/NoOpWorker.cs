using System.Collections.Concurrent;
using Syncplane.Storage;

namespace QueueBench;

/// <summary>
/// Syncplane's Worker loop (src/Syncplane/Engine/Worker.cs) with a no-op run body. The Worker class is
/// internal and always runs a target through SyncRunner and its connectors, with no way to inject an
/// executor, so this repeats its queue protocol step for step on the real store:
/// prepare the queue's statements at start (PrepareQueueAsync); recover expired leases every 10 s; while a slot is free, ClaimAsync under a 30 s lease and start the run on
/// the thread pool; when nothing is claimable, exit if draining and nothing is queued or running, else wait for the
/// store's wake-up (WaitForWorkAsync, 5 s cap: PostgreSQL LISTEN/NOTIFY, SQLite wake files) or a freed
/// slot; a store error is reported and retried after 5 s. A run records its start time, arms the lease-renewal timer like the Worker does, and completes
/// with its fence, claiming its worker's next run in the same call unless stopping (CompleteAndClaimAsync).
/// What it leaves out: the target lookup, the run log and the connectors — the no-op.
/// Like every node (RollupFolder), it folds finished runs into the rollups every 5 s, and once more when it drains,
/// so the rollups' cost is inside the measured time.
/// </summary>
internal sealed class NoOpWorker(ISyncStore store, int concurrency, bool exitWhenIdle)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FoldInterval = TimeSpan.FromSeconds(5);

    private readonly string _workerId = $"{Environment.MachineName}/{Environment.ProcessId}/queuebench";
    private readonly ConcurrentDictionary<long, Task> _active = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _wake = NewSignal();
    private CancellationToken _stopping = new(canceled: true);
    private int _failed;

    public ConcurrentBag<(long RunId, double At)> Started { get; } = [];

    public int Failed => Volatile.Read(ref _failed);

    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        long? lastRecovery = null;
        await store.PrepareQueueAsync(_workerId, Lease, stopping); // as the Worker does at start
        var lastFold = TimeProvider.System.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var wake = Volatile.Read(ref _wake).Task;
                if (lastRecovery is not { } last || TimeProvider.System.GetElapsedTime(last) >= RecoveryInterval)
                {
                    await store.RecoverExpiredLeasesAsync(stopping);
                    lastRecovery = TimeProvider.System.GetTimestamp();
                }

                if (TimeProvider.System.GetElapsedTime(lastFold) >= FoldInterval)
                {
                    await store.FoldRunRollupsAsync(stopping);
                    lastFold = TimeProvider.System.GetTimestamp();
                }

                var free = _active.Count < concurrency;
                if (free && await store.ClaimAsync(_workerId, Lease, stopping) is { } lease)
                {
                    Start(lease);
                    continue;
                }

                if (exitWhenIdle && _active.IsEmpty && await DrainedAsync(stopping))
                {
                    await store.FoldRunRollupsAsync(stopping);
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
                // As the Worker does when the store is unreachable: report, wait IdleWait, carry on.
                await Console.Error.WriteLineAsync($"store unavailable: {ex.Message}");
                try
                {
                    await Task.Delay(IdleWait, stopping);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        await Task.WhenAll(_active.Values);
    }

    // The Worker's drain test: nothing due in the queue and nothing running anywhere.
    private async Task<bool> DrainedAsync(CancellationToken ct) =>
        await store.CountQueuedAsync(ct) == 0 && (await store.ListRunsAsync(new RunQuery(Status: RunStatus.Running, Limit: 1), ct)).Count == 0;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Under the lock, as the Worker does: a run that ends before its task is stored would otherwise stay listed as active.
    private void Start(RunLease lease)
    {
        lock (_gate)
        {
            _active[lease.RunId] = Task.Run(() => ProcessAsync(lease), CancellationToken.None);
        }
    }

    private async Task ProcessAsync(RunLease lease)
    {
        try
        {
            Started.Add((lease.RunId, Program.Now()));
            var third = Lease / 3;
            using (TimeProvider.System.CreateTimer(_ => { }, null, third, third))
            {
                // The run itself: nothing.
            }

            var completion = new RunCompletion { Status = RunStatus.Succeeded, Message = "no-op", Fence = lease.Fence };
            var (completed, next) = _stopping.IsCancellationRequested
                ? (await store.CompleteRunAsync(lease.RunId, completion, CancellationToken.None), null)
                : await store.CompleteAndClaimAsync(lease.RunId, completion, _workerId, Lease, CancellationToken.None);
            if (next is not null)
            {
                Start(next);
            }

            if (!completed)
            {
                Interlocked.Increment(ref _failed);
            }
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failed);
            await Console.Error.WriteLineAsync($"run {lease.RunId}: {ex.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _active.TryRemove(lease.RunId, out _);
            }

            Interlocked.Exchange(ref _wake, NewSignal()).TrySetResult();
        }
    }

    private async Task IdleAsync(Task wake, bool canClaim, CancellationToken stopping)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var cancelled = NewSignal();
        await using (wait.Token.Register(() => cancelled.TrySetResult()))
        {
            var work = canClaim ? store.WaitForWorkAsync(IdleWait, wait.Token) : cancelled.Task;
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
}
