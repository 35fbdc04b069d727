using Syncplane.Config;
using Syncplane.Engine.Policies;
using Syncplane.Storage;

namespace Syncplane.Engine;

internal sealed partial class Worker
{
    private async Task ProcessAsync(ActiveRun active)
    {
        var lease = active.Lease;
        try
        {
            if (!_targets.TryGetValue(lease.Target, out var target))
            {
                var gone = new RunCompletion { Status = RunStatus.Failed, Message = $"target '{lease.Target}' is not in {config.File}; nothing was run" };
                await CompleteAsync(lease, gone);
                return;
            }

            if (await HoldBackAsync(target, lease))
            {
                return;
            }

            Report(WorkerEventKind.Started, lease, null, lease.Trigger);
            var third = options.LeaseDuration / 3;
            RunAttempt attempt;
            var progress = new RunProgressEvents(store, time, lease.RunId, lease.Target);
            var running = Telemetry.StageTimes.Start();
            using (time.CreateTimer(_ => _ = RenewAsync(active), null, third, third))
            {
                attempt = await runner.RunClaimedAsync(target, lease, new RunOptions(Verify: config.Defaults.Verify), null, active.Cancellation.Token, progress);
            }

            Telemetry.StageTimes.Since("worker.run", running);
            await progress.FlushAsync();

            await FinishAsync(target, active, attempt);
        }
        catch (Exception ex)
        {
            Report(WorkerEventKind.Error, lease, null, ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                _active.Remove(lease.RunId);
            }

            active.Dispose();
            Wake();
        }
    }

    private async Task FinishAsync(TargetConfig target, ActiveRun active, RunAttempt attempt)
    {
        var lease = active.Lease;
        if (active.FencedOut)
        {
            await store.AppendLogAsync(lease.RunId, attempt.Completion.Log, CancellationToken.None);
            Report(WorkerEventKind.FencedOut, lease, attempt.Completion.Status, "the lease was taken over; this attempt is not recorded");
            return;
        }

        // A run that finished before the cancel reached it keeps its real outcome; one that stopped for it ends cancelled, without a retry.
        if (active.CancelledBy is { } requester && attempt.Completion.Status is RunStatus.Cancelled or RunStatus.Failed)
        {
            await CompleteAsync(lease, attempt.Completion with { Status = RunStatus.Cancelled, Message = "cancelled by " + requester });
            return;
        }

        var now = time.GetUtcNow();
        if (attempt.Completion.Status == RunStatus.Cancelled && active.Released)
        {
            await RequeueAsync(lease, now, "released on shutdown", countAttempt: false, WorkerEventKind.Released, attempt.Completion.Log);
            return;
        }

        if (attempt.Completion.Status != RunStatus.Failed)
        {
            await CompleteAsync(lease, attempt.Completion, target);
            return;
        }

        var decision = attempt.Error is { } error
            ? RetryDecision.Decide(target.Retry, lease.Attempt, error, now)
            : RetryDecision.Decide(target.Retry, lease.Attempt, ErrorKind.Transient, now);
        switch (decision.Outcome)
        {
            case RetryOutcome.Retry:
                await RequeueAsync(lease, decision.RetryAt!.Value, decision.Reason, countAttempt: true, WorkerEventKind.Retrying, attempt.Completion.Log, attempt.Completion.Message);
                break;
            case RetryOutcome.Postpone:
                await RequeueAsync(lease, decision.RetryAt!.Value, decision.Reason, countAttempt: false, WorkerEventKind.Postponed, attempt.Completion.Log);
                break;
            default:
                var failed = attempt.Completion with { Message = $"{attempt.Completion.Message} ({decision.Reason})" };
                await CompleteAsync(lease, failed, target);
                break;
        }
    }

    // Records the end; a worker that is not stopping takes its next run in the same round trip (the slot this one frees).
    private async Task CompleteAsync(RunLease lease, RunCompletion completion, TargetConfig? target = null)
    {
        var fenced = completion with { Fence = lease.Fence };
        var completing = Telemetry.StageTimes.Start();

        // A retry only completes: the first try may have committed its claim without our hearing of it.
        var (completed, next) = await UntilStoreAnswersAsync(lease, async retry => _stopping.IsCancellationRequested || retry
            ? (await store.CompleteRunAsync(lease.RunId, fenced, CancellationToken.None), null)
            : await store.CompleteAndClaimAsync(lease.RunId, fenced, options.WorkerId, options.LeaseDuration, CancellationToken.None));
        Telemetry.StageTimes.Since("worker.complete_and_claim", completing);
        if (next is not null)
        {
            Start(next);
        }

        if (!completed)
        {
            Report(WorkerEventKind.FencedOut, lease, completion.Status, "the lease was taken over; this attempt is not recorded");
            return;
        }

        if (target is not null)
        {
            await UpdateStreakAsync(target, completion);
        }

        Report(WorkerEventKind.Finished, lease, completion.Status, completion.Message);
    }

    // Records the attempt's log (if any) and the reason, then puts the run back in the queue (a retry with its attempt's error).
    private async Task RequeueAsync(RunLease lease, DateTimeOffset notBefore, string reason, bool countAttempt, WorkerEventKind kind, IReadOnlyList<LogLine>? attemptLog, string? attemptError = null)
    {
        if (attemptLog is not null)
        {
            IReadOnlyList<LogLine> lines = [.. attemptLog, new LogLine(time.GetUtcNow(), LogLevel.Warning, reason)];
            await UntilStoreAnswersAsync(lease, async _ =>
            {
                await store.AppendLogAsync(lease.RunId, lines, CancellationToken.None);
                return true;
            });
        }

        var requeued = await UntilStoreAnswersAsync(lease, _ => store.RequeueAsync(lease.RunId, lease.Fence, notBefore, reason, countAttempt, attemptError, CancellationToken.None));
        Report(requeued ? kind : WorkerEventKind.FencedOut, lease, null, requeued ? reason : "the lease was taken over; this attempt is not recorded");
    }

    /// <summary>
    /// Runs a store call that ends (or requeues) a run, again every <see cref="StoreRetryDelay"/> while the store is
    /// unreachable (a database restart), for up to one lease. Given up at once, the run would stay "running" until
    /// another node's lease recovery returned it to the queue: never, when every node stopped meanwhile.
    /// </summary>
    private async Task<T> UntilStoreAnswersAsync<T>(RunLease lease, Func<bool, Task<T>> call)
    {
        var giveUpAt = time.GetUtcNow() + options.LeaseDuration;
        for (var retry = false; ; retry = true)
        {
            try
            {
                return await call(retry);
            }
            catch (Exception ex) when (ex is not (ArgumentException or KeyNotFoundException) && time.GetUtcNow() < giveUpAt)
            {
                Report(WorkerEventKind.StoreUnavailable, lease, null, $"{ex.Message}; recording the run's end again in {Config.DurationParser.Format(StoreRetryDelay)}");
                await Task.Delay(StoreRetryDelay, time, CancellationToken.None);
            }
        }
    }

    private static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(1);

    private async Task RenewAsync(ActiveRun active)
    {
        if (!active.TryEnterRenewal())
        {
            return; // the previous renewal is still in flight
        }

        try
        {
            if (!await store.RenewLeaseAsync(active.Lease.RunId, active.Lease.Fence, options.LeaseDuration, CancellationToken.None))
            {
                active.FenceOut();
            }
            else if (await store.GetCancelRequestAsync(active.Lease.RunId, CancellationToken.None) is { } requester)
            {
                active.CancelBy(requester);
            }
        }
        catch (Exception)
        {
            // The store is unreachable: keep running; the next tick tries again, and if the lease expires meanwhile the fence stops us.
        }
        finally
        {
            active.ExitRenewal();
        }
    }

    private void Report(WorkerEventKind kind, RunLease lease, RunStatus? status, string message) =>
        onEvent?.Invoke(new WorkerEvent(kind, lease.RunId, lease.Target, lease.Attempt, status?.ToString().ToLowerInvariant(), message, time.GetUtcNow()));
}
