using Syncplane.Config;
using Syncplane.Scheduling;
using Syncplane.Storage;

namespace Syncplane.Operations;

/// <summary>
/// One target's telemetry, with seed 003's field names (<c>sync_frequency</c>, <c>last_sync_attempted_at</c>, …)
/// and more: what <c>syncplane status</c> and <c>GET /api/v1/targets/{name}/status</c> show.
/// </summary>
/// <param name="Target">Target name.</param>
/// <param name="SyncStatus">idle, queued, syncing or error (seed 003); a paused target keeps its status and has <paramref name="PausedReason"/>.</param>
/// <param name="SyncFrequency">The effective schedule: the runtime override when set, else the config file's.</param>
/// <param name="FrequencyOverridden">True when <paramref name="SyncFrequency"/> is a runtime override.</param>
/// <param name="NextRunAt">When the scheduler next enqueues it; null for manual or paused targets.</param>
/// <param name="LastSyncAttemptedAt">When the latest run started.</param>
/// <param name="LastSyncCompletedAt">When the latest run finished, whatever its outcome.</param>
/// <param name="LastSucceededAt">When the latest good run (succeeded, not a dry run) finished: what freshness is measured from.</param>
/// <param name="LastMetricsChangedAt">When a run last changed the destination.</param>
/// <param name="TotalSyncsAttempted">Finished runs.</param>
/// <param name="TotalSyncsWithChanges">Good runs that changed something.</param>
/// <param name="LastSyncError">The message of the latest failed run.</param>
/// <param name="ConsecutiveFailures">Failed runs since the last good one.</param>
/// <param name="LastGoodRunId">The latest good run.</param>
/// <param name="PausedReason">Why it is paused; null when it is not.</param>
internal sealed record TargetTelemetry(
    string Target,
    string SyncStatus,
    string SyncFrequency,
    bool FrequencyOverridden,
    DateTimeOffset? NextRunAt,
    DateTimeOffset? LastSyncAttemptedAt,
    DateTimeOffset? LastSyncCompletedAt,
    DateTimeOffset? LastSucceededAt,
    DateTimeOffset? LastMetricsChangedAt,
    int TotalSyncsAttempted,
    int TotalSyncsWithChanges,
    string? LastSyncError,
    int ConsecutiveFailures,
    long? LastGoodRunId,
    string? PausedReason)
{
    /// <summary>The telemetry of every configured target, in config order.</summary>
    public static async Task<IReadOnlyList<TargetTelemetry>> ListAsync(SyncplaneConfig config, ISyncStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var states = (await store.ListTargetStatesAsync(cancellationToken)).ToDictionary(s => s.Target, StringComparer.Ordinal);
        var fired = await store.GetLastFiringsAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. config.Targets.Select(t => Of(config, t, states.GetValueOrDefault(t.Name), fired.TryGetValue(t.Name, out var slot) ? slot : null, now))];
    }

    /// <summary>One target's telemetry from its stored state and last fired schedule slot.</summary>
    public static TargetTelemetry Of(SyncplaneConfig config, TargetConfig target, TargetState? state, DateTimeOffset? lastSlot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(
            target.Name,
            state?.Status ?? "idle",
            state?.FrequencyOverride ?? target.Schedule.Text,
            state?.FrequencyOverride is not null,
            NextFiring.Of(config, target, state, lastSlot, now),
            state?.LastAttemptedAt,
            state?.LastCompletedAt,
            state?.LastSucceededAt,
            state?.LastChangedAt,
            state?.TotalRuns ?? 0,
            state?.RunsWithChanges ?? 0,
            state?.LastError,
            state?.ConsecutiveFailures ?? 0,
            state?.LastGoodRunId,
            state?.PausedReason);
    }
}
