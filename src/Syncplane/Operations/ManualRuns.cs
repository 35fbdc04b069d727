using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Operations;

/// <summary>What a user can do to runs by hand — sync now, retry — shared by the CLI and the API.</summary>
internal static class ManualRuns
{
    /// <summary>Queues a manual run of <paramref name="target"/> (priority <see cref="RunPriority.Manual"/>); coalesces with a queued run.</summary>
    /// <param name="resync">A bidirectional target's run that resyncs (see <see cref="ResyncRefusal"/>).</param>
    /// <remarks>
    /// With <paramref name="dryRun"/> the run plans and writes nothing; joining a queued real run, it stays real (a real
    /// request joining a queued dry run makes it real), so a plan never stands in for a sync that was asked for.
    /// </remarks>
    public static Task<EnqueueResult> SyncNowAsync(
        SyncplaneConfig config, ISyncStore store, TimeProvider time, TargetConfig target, string trigger, CancellationToken cancellationToken, bool resync = false, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(target);
        if (resync && ResyncRefusal(target) is { } why)
        {
            throw new ArgumentException(why, nameof(resync));
        }

        var request = new RunRequest(target.Name, trigger, RunPriority.Manual, time.GetUtcNow(), target.Direction.ToString().ToLowerInvariant(), dryRun || config.Defaults.DryRun)
        {
            Resync = resync,
        };
        return store.EnqueueAsync(request, cancellationToken);
    }

    /// <summary>Why <paramref name="target"/> cannot resync (only bidirectional targets do), or null.</summary>
    public static string? ResyncRefusal(TargetConfig target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Direction == SyncDirection.Bidirectional
            ? null
            : $"resync applies to bidirectional targets only; target '{target.Name}' syncs {target.Direction.ToString().ToLowerInvariant()}";
    }

    /// <summary>
    /// Queues a fresh run (trigger <c>retry</c>) of a failed or cancelled run's target; the source is read again.
    /// </summary>
    public static async Task<RetryResult> RetryAsync(SyncplaneConfig config, ISyncStore store, TimeProvider time, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetRunAsync(runId, cancellationToken) is not { } run)
        {
            return new RetryResult(RetryRefusal.NotFound, null, null, $"no run has id {runId}");
        }

        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            return new RetryResult(RetryRefusal.NotRetryable, run.Target, null,
                $"run {runId} is {StoreText.From(run.Status)}, not failed; only failed or cancelled runs are retried (trigger '{run.Target}' instead)");
        }

        if (config.Targets.FirstOrDefault(t => t.Name == run.Target) is not { } target)
        {
            return new RetryResult(RetryRefusal.UnknownTarget, run.Target, null, $"run {runId}'s target '{run.Target}' is no longer in {config.File}");
        }

        return new RetryResult(null, run.Target, await SyncNowAsync(config, store, time, target, "retry", cancellationToken), null);
    }
}

/// <summary>Why a retry was refused.</summary>
internal enum RetryRefusal
{
    /// <summary>No run has the id.</summary>
    NotFound,

    /// <summary>The run is queued, running, succeeded or refused.</summary>
    NotRetryable,

    /// <summary>The run's target is no longer configured.</summary>
    UnknownTarget,
}

/// <summary>The queued run of a retry, or why there is none.</summary>
/// <param name="Refusal">Null when the retry was queued.</param>
/// <param name="Target">The run's target; null when the run does not exist.</param>
/// <param name="Queued">The queued run, when queued.</param>
/// <param name="Error">What was wrong, when refused.</param>
internal sealed record RetryResult(RetryRefusal? Refusal, string? Target, EnqueueResult? Queued, string? Error);
