using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine.Policies;
using Syncplane.Storage;
using Syncplane.Telemetry;

namespace Syncplane.Engine;

/// <summary>
/// Runs one target end to end: gates, snapshots, plan, apply, commit, checks, verification; records the run.
/// Plug-ins throw; this is the one place that turns their failures into run outcomes.
/// </summary>
public sealed partial class SyncRunner(SyncplaneConfig config, ISyncStore store, TimeProvider time, ConnectorRegistry connectors, SecretResolver secrets)
{
    private readonly RateLimitRegistry _rateLimits = RateLimitRegistry.FromConfig(config);

    /// <summary>How often a worker's run records its new log lines while it runs, so that its log can be followed.</summary>
    internal static readonly TimeSpan LogRecordInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs an already-claimed run (a worker holds <paramref name="lease"/>) and appends its log as it goes (every
    /// <see cref="LogRecordInterval"/>), but does not complete it: the caller decides between completing (with the
    /// fence) and re-queueing for a retry. The completion carries the lines not recorded yet.
    /// </summary>
    internal async Task<RunAttempt> RunClaimedAsync(TargetConfig target, RunLease lease, RunOptions options, Action<LogLine>? onLog, CancellationToken cancellationToken, IProgress<int>? progress = null)
    {
        var log = new RunLog(secrets, time, onLog);
        var waits = new RunWaits(store, lease.RunId, log, time, onWait: null);
        RunAttempt attempt;
        await using (time.CreateTimer(_ => _ = RecordLogAsync(log, lease.RunId), null, LogRecordInterval, LogRecordInterval))
        {
            attempt = await AttemptAsync(target, lease.RunId, options with { DryRun = lease.DryRun, Trigger = lease.Trigger, Attempt = lease.Attempt, LinkedTraceParent = lease.TraceParent, Resync = lease.Resync }, log, waits, progress, canPostpone: true, cancellationToken);
        }

        // A batch being recorded as the run ended is waited for; the completion then carries only the lines after it.
        await log.CloseAsync();
        return attempt with { Completion = attempt.Completion with { Log = log.Lines } };
    }

    private async Task RecordLogAsync(RunLog log, long runId)
    {
        try
        {
            await log.RecordAsync(lines => store.AppendLogAsync(runId, lines, CancellationToken.None));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is unreachable: the lines stay unrecorded and go with the run's end.
        }
    }

    /// <param name="log">The run's log; the completion carries the lines not yet recorded.</param>
    /// <param name="waits">Records the run's waits for rate-limit tokens as they begin.</param>
    /// <param name="canPostpone">True for a queued run: a long rate-limit wait before its first upstream call postpones it (see <see cref="UpstreamBudget"/>).</param>
    private async Task<RunAttempt> AttemptAsync(TargetConfig target, long runId, RunOptions options, RunLog log, RunWaits waits, IProgress<int>? progress, bool canPostpone, CancellationToken cancellationToken)
    {
        var startedAt = time.GetTimestamp();
        using var span = SyncplaneTracing.StartRun(target.Name, runId, options, queued: canPostpone);
        Outcome outcome;
        using (var timeout = new CancellationTokenSource(target.Timeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                var context = new ConnectorContext(target.Name, config.BaseDirectory, config.StateDirectory, secrets, log, time)
                {
                    Budget = UpstreamBudget.For(_rateLimits, target.Name, store, time, log, canPostpone, waits),
                    Store = store,
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

        SyncplaneTracing.EndRun(span, outcome.Status, message, outcome.Plan?.Summary);

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
            Revision = outcome.Revision,
            Changed = outcome.Changed && !options.DryRun && outcome.Status == RunStatus.Succeeded,
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

        /// <summary>What the run synced, identified (see <see cref="RunRevision"/>).</summary>
        public string? Revision { get; init; }

        /// <summary>True when the run wrote, deleted or committed something.</summary>
        public bool Changed { get; init; }

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
