using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine.Policies;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>
/// Runs one target end to end: gates, snapshots, plan, apply, commit, checks, verification; records the run.
/// Plug-ins throw; this is the one place that turns their failures into run outcomes.
/// </summary>
public sealed partial class SyncRunner(SyncplaneConfig config, ISyncStore store, TimeProvider time, ConnectorRegistry connectors, SecretResolver secrets)
{
    private readonly RateLimitRegistry _rateLimits = RateLimitRegistry.FromConfig(config);

    /// <summary>Runs <paramref name="target"/> once and records the run; never throws for a failed sync.</summary>
    /// <remarks>
    /// The run holds a lease it renews while it works, so if this process dies a worker's lease recovery
    /// re-queues it; a later direct run on the same host takes over at once from a process that is gone.
    /// </remarks>
    public async Task<TargetRunResult> RunAsync(TargetConfig target, RunOptions options, Action<LogLine>? onLog, IProgress<int>? progress, CancellationToken cancellationToken)
    {
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

        RunAttempt attempt;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = new DirectRunRenewal(store, runId, DirectRunLease, cancel);
        using (time.CreateTimer(_ => _ = renewal.RenewAsync(), null, DirectRunLease / 3, DirectRunLease / 3))
        {
            attempt = await AttemptAsync(target, runId, options, onLog, progress, canPostpone: false, cancel.Token);
        }

        var completion = attempt.Completion;
        if (renewal.CancelledBy is { } requester && completion.Status is RunStatus.Cancelled or RunStatus.Failed)
        {
            completion = completion with { Status = RunStatus.Cancelled, Message = "cancelled by " + requester };
        }

        await store.CompleteRunAsync(runId, completion with { Fence = 0 }, CancellationToken.None);
        return attempt.Result with { Status = completion.Status, Message = completion.Message };
    }

    /// <summary>How long a direct run's lease lasts without renewal.</summary>
    internal static readonly TimeSpan DirectRunLease = TimeSpan.FromMinutes(1);

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

    /// <summary>
    /// Runs an already-claimed run (a worker holds <paramref name="lease"/>) and appends its log, but does not
    /// complete it: the caller decides between completing (with the fence) and re-queueing for a retry.
    /// </summary>
    internal Task<RunAttempt> RunClaimedAsync(TargetConfig target, RunLease lease, RunOptions options, Action<LogLine>? onLog, CancellationToken cancellationToken, IProgress<int>? progress = null) =>
        AttemptAsync(target, lease.RunId, options with { DryRun = lease.DryRun, Trigger = lease.Trigger }, onLog, progress, canPostpone: true, cancellationToken);

    /// <param name="canPostpone">True for a queued run: a long rate-limit wait before its first upstream call postpones it (see <see cref="UpstreamBudget"/>).</param>
    private async Task<RunAttempt> AttemptAsync(TargetConfig target, long runId, RunOptions options, Action<LogLine>? onLog, IProgress<int>? progress, bool canPostpone, CancellationToken cancellationToken)
    {
        var startedAt = time.GetTimestamp();
        var log = new RunLog(secrets, time, onLog);
        Outcome outcome;
        using (var timeout = new CancellationTokenSource(target.Timeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                var context = new ConnectorContext(target.Name, config.BaseDirectory, config.StateDirectory, secrets, log, time)
                {
                    Budget = UpstreamBudget.For(_rateLimits, target.Name, store, time, log, canPostpone),
                };
                outcome = await ExecuteAsync(target, options, context, progress, linked.Token);
            }
            catch (GateFailedException ex)
            {
                // A down required check skips the run: its message already says so ("skipped: required check …").
                var refusal = ex.Gate == Checks.RequiredChecks.Gate ? ex.Message : $"refused by {ex.Gate}: {ex.Message}";
                outcome = new Outcome(RunStatus.Refused, refusal) { Plan = ex.Plan, Error = ex };
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                outcome = new Outcome(RunStatus.Failed, $"timed out after {DurationParser.Format(target.Timeout)}") { Error = new TimeoutException(ex.Message, ex) };
            }
            catch (OperationCanceledException ex)
            {
                outcome = new Outcome(RunStatus.Cancelled, "cancelled") { Error = ex };
            }
            catch (Exception ex)
            {
                outcome = new Outcome(RunStatus.Failed, ex.Message) { Error = ex };
            }
        }

        var message = secrets.Redact(outcome.Message);
        if (outcome.Status != RunStatus.Succeeded)
        {
            log.Error(message);
        }

        var completion = new RunCompletion
        {
            Log = log.Lines,
            Status = outcome.Status,
            Message = message,
            Summary = outcome.Plan?.Summary,
            SourceRevision = outcome.Plan?.SourceRevision,
            VerificationPassed = outcome.VerificationPassed,
            OutputsCreated = outcome.OutputsCreated,
            CommitSha = outcome.CommitSha,
        };
        var result = new TargetRunResult
        {
            RunId = runId,
            Target = target.Name,
            Direction = target.Direction,
            Status = outcome.Status,
            Message = message,
            Duration = time.GetElapsedTime(startedAt),
            Plan = outcome.Plan,
            SourceRevision = outcome.Plan?.SourceRevision,
            OutputsCreated = outcome.OutputsCreated,
            VerificationPassed = outcome.VerificationPassed,
            CommitSha = outcome.CommitSha,
        };
        return new RunAttempt(result, completion, outcome.Error);
    }

    internal sealed record Outcome(RunStatus Status, string Message)
    {
        public Planning.Plan? Plan { get; init; }

        public IReadOnlyList<string> OutputsCreated { get; init; } = [];

        public bool? VerificationPassed { get; init; }

        public string? CommitSha { get; init; }

        /// <summary>The exception the attempt ended with, for error classification; null when none was thrown.</summary>
        public Exception? Error { get; init; }
    }
}

/// <summary>One attempt of a run: what to report, what to record, and the exception it ended with (for retry decisions).</summary>
internal sealed record RunAttempt(TargetRunResult Result, RunCompletion Completion, Exception? Error);

/// <summary>A safety gate stopped the run before it wrote anything.</summary>
internal sealed class GateFailedException(string gate, string message, Planning.Plan? plan = null) : Exception(message)
{
    public string Gate { get; } = gate;

    public Planning.Plan? Plan { get; } = plan;
}
