using Syncplane.Config;
using Syncplane.Engine.Policies;
using Syncplane.Storage;

namespace Syncplane.Engine;

public sealed partial class SyncRunner
{
    /// <summary>How long a direct run's lease lasts without renewal.</summary>
    internal static readonly TimeSpan DirectRunLease = TimeSpan.FromMinutes(1);

    /// <summary>Runs <paramref name="target"/> now and records the run; never throws for a failed sync.</summary>
    /// <remarks>
    /// The run holds a lease it renews while it works, so if this process dies a worker's lease recovery
    /// re-queues it; a later direct run on the same host takes over at once from a process that is gone.
    /// An upstream that rate limits it (HTTP 429) is waited out — as long as its <c>Retry-After</c> says, the
    /// retry backoff's first delay when it says nothing — and the run tried again, for at most
    /// <see cref="RunOptions.MaxRateLimitWait"/> in all; then the run fails with <see cref="TargetRunResult.RateLimited"/>.
    /// </remarks>
    /// <param name="target">The target.</param>
    /// <param name="options">What the caller wants.</param>
    /// <param name="onLog">Told each log line.</param>
    /// <param name="onWait">Told each wait as it begins: "rate limited by https://host (429); waiting 12s (Retry-After)…".</param>
    /// <param name="progress">Told the items applied.</param>
    /// <param name="cancellationToken">Stops the run (recorded as cancelled).</param>
    public async Task<TargetRunResult> RunAsync(
        TargetConfig target, RunOptions options, Action<LogLine>? onLog, Action<string>? onWait, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        long runId;
        try
        {
            runId = await StartDirectRunAsync(target, options, cancellationToken);
        }
        catch (TargetAlreadyRunningException ex)
        {
            // The target is running elsewhere right now: nothing was started, nothing is recorded.
            return new TargetRunResult { RunId = 0, Target = target.Name, Direction = target.Direction, Status = RunStatus.Failed, Message = ex.Message, Duration = TimeSpan.Zero, AlreadyRunning = true };
        }

        var startedAt = time.GetTimestamp();
        var log = new RunLog(secrets, time, onLog);
        var waits = new RunWaits(store, runId, log, time, onWait);
        RunAttempt attempt;
        var rateLimited = false;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = new DirectRunRenewal(store, runId, DirectRunLease, cancel);
        using (time.CreateTimer(_ => _ = renewal.RenewAsync(), null, DirectRunLease / 3, DirectRunLease / 3))
        {
            var waited = TimeSpan.Zero;
            while (true)
            {
                attempt = await AttemptAsync(target, runId, options, log, waits, progress, canPostpone: false, cancel.Token);
                if (UpstreamWait(target, attempt, time.GetUtcNow()) is not { } wait)
                {
                    break;
                }

                if (waited + wait.Duration > options.MaxRateLimitWait)
                {
                    var why = waited > TimeSpan.Zero ? $"still rate limited after waiting {RunWaits.Format(waited)}" : $"it asks for a wait of {RunWaits.Format(wait.Duration)}";
                    var gaveUp = $"{attempt.Completion.Message}; {why}: gave up, as syncplane run waits at most " +
                        $"{DurationParser.Format(options.MaxRateLimitWait)} (--max-wait) for rate limits; run it again later, or queue it with syncplane trigger for a worker to postpone";
                    log.Error(gaveUp);
                    attempt = attempt with { Completion = attempt.Completion with { Message = gaveUp } };
                    rateLimited = true;
                    break;
                }

                try
                {
                    await waits.WaitAsync(wait.Reason + "…", wait.Until, cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    attempt = attempt with { Completion = attempt.Completion with { Status = RunStatus.Cancelled, Message = "cancelled while " + wait.Reason } };
                    break;
                }

                waited += wait.Duration;
            }
        }

        var completion = attempt.Completion with { Log = log.Lines, Fence = 0 };
        if (renewal.CancelledBy is { } requester && completion.Status is RunStatus.Cancelled or RunStatus.Failed)
        {
            completion = completion with { Status = RunStatus.Cancelled, Message = "cancelled by " + requester };
        }

        await store.CompleteRunAsync(runId, completion, CancellationToken.None);
        return attempt.Result with
        {
            Status = completion.Status,
            Message = completion.Message,
            Duration = time.GetElapsedTime(startedAt),
            RateLimited = rateLimited && completion.Status == RunStatus.Failed,
        };
    }

    // An attempt the upstream rate limited: how long to wait before the next, and why; null for any other ending.
    private static (TimeSpan Duration, DateTimeOffset Until, string Reason)? UpstreamWait(TargetConfig target, RunAttempt attempt, DateTimeOffset now)
    {
        if (attempt.Completion.Status != RunStatus.Failed || attempt.Error is not { } error)
        {
            return null;
        }

        var decision = RetryDecision.Decide(target.Retry, 1, error, now);
        if (decision.Outcome != RetryOutcome.Postpone)
        {
            return null;
        }

        var until = decision.RetryAt!.Value;
        var limited = RetryDecision.RateLimitOf(error);
        return (until - now, until, RetryDecision.RateLimitReason(limited, limited?.RetryAfter is not null, until - now));
    }

    private async Task<long> StartDirectRunAsync(TargetConfig target, RunOptions options, CancellationToken cancellationToken)
    {
        var run = new NewRun(target.Name, options.Trigger, target.Direction.ToString().ToLowerInvariant(), options.DryRun, Owner: DirectRunOwner.Current, Lease: DirectRunLease);
        for (var turn = 1; ; turn++)
        {
            try
            {
                return await store.StartRunAsync(run, cancellationToken);
            }
            catch (TargetAlreadyRunningException ex) when (turn < 3 && (ex.Running is null || DirectRunOwner.IsDeadOnThisHost(ex.Running.WorkerId)))
            {
                // The running run ended meanwhile, or its process is gone: start again (the store lets one racer win).
                if (ex.Running is { } abandoned)
                {
                    await TakeOverFromDeadProcessAsync(abandoned, cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// Ends a run whose <c>syncplane run</c> process died on this host, after killing what that process left
    /// running, so the old run's programs never work beside the new run's.
    /// </summary>
    private async Task TakeOverFromDeadProcessAsync(RunRecord abandoned, CancellationToken cancellationToken)
    {
        Process.OrphanSweep.KillOrphans();
        await store.CompleteRunAsync(abandoned.Id, new RunCompletion
        {
            Status = RunStatus.Failed,
            Message = $"abandoned: the process that ran it ({abandoned.WorkerId}) is gone",
            Fence = abandoned.Fence,
        }, cancellationToken);
    }
}
