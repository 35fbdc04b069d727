using System.Text.Json.Serialization;
using Syncplane.Config;
using Syncplane.Scheduling;
using Syncplane.Storage;

namespace Syncplane.Operations;

/// <summary>
/// One target's telemetry, with seed 003's field names (<c>sync_frequency</c>, <c>last_sync_attempted_at</c>, …)
/// and more: what <c>syncplane status</c> and <c>GET /api/v1/targets/{name}/status</c> show.
/// </summary>
/// <remarks>
/// Seed 003's eight fields mean what they mean there and are always written, as null when unknown
/// (<see cref="JsonIgnoreCondition.Never"/>), even where the API leaves other null fields out.
/// </remarks>
/// <param name="Target">Target name.</param>
/// <param name="SyncStatus">
/// idle, queued, syncing or error (seed 003), and more: retrying (queued again after a failed attempt, due at
/// <see cref="NextAttemptAt"/>) and waiting (held back without a failure: a rate-limit token, an upstream's
/// <c>Retry-After</c>, a window or a dependency; see <see cref="WaitingReason"/>). A paused target keeps its status and has <paramref name="PausedReason"/>.
/// </param>
/// <param name="SyncFrequency">The effective schedule: the runtime override when set, else the config file's.</param>
/// <param name="FrequencyOverridden">True when <paramref name="SyncFrequency"/> is a runtime override.</param>
/// <param name="NextRunAt">When the scheduler next enqueues it; null for manual or paused targets.</param>
/// <param name="LastSyncAttemptedAt">When the latest run started.</param>
/// <param name="LastSyncCompletedAt">When the latest good run (succeeded, not a dry run) finished: seed 003's "last successful completion".</param>
/// <param name="LastMetricsChangedAt">When a run last changed the destination.</param>
/// <param name="TotalSyncsAttempted">Finished runs.</param>
/// <param name="TotalSyncsWithChanges">Good runs that changed something.</param>
/// <param name="LastSyncError">The current error: that of the run now retrying, or of the latest failed run while no good run came after it; null once the target recovered.</param>
/// <param name="ConsecutiveFailures">Failed runs since the last good one, the run now retrying after a failed attempt included.</param>
/// <param name="LastGoodRunId">The latest good run.</param>
/// <param name="PausedReason">Why it is paused; null when it is not.</param>
internal sealed record TargetTelemetry(
    string Target,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string SyncStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string SyncFrequency,
    bool FrequencyOverridden,
    DateTimeOffset? NextRunAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSyncAttemptedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSyncCompletedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastMetricsChangedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int TotalSyncsAttempted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int TotalSyncsWithChanges,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastSyncError,
    int ConsecutiveFailures,
    long? LastGoodRunId,
    string? PausedReason)
{
    /// <summary><see cref="LastSyncCompletedAt"/> by its older name (kept in the API): what freshness is measured from.</summary>
    public DateTimeOffset? LastSucceededAt => LastSyncCompletedAt;

    /// <summary>When the latest run finished, whatever its outcome (<see cref="LastSyncCompletedAt"/> counts good runs only).</summary>
    public DateTimeOffset? LastFinishedAt { get; init; }

    /// <summary>When the current error (<see cref="LastSyncError"/>) happened.</summary>
    public DateTimeOffset? LastSyncErrorAt { get; init; }

    /// <summary>The latest error once the target recovered from it (a good run came after it): history, not a current problem.</summary>
    public string? PreviousSyncError { get; init; }

    /// <summary>When <see cref="PreviousSyncError"/> happened.</summary>
    public DateTimeOffset? PreviousSyncErrorAt { get; init; }

    /// <summary>The attempt of the queued or running run: the one running, or the one to come.</summary>
    public int? Attempt { get; init; }

    /// <summary>Attempts the target's retry policy allows a run (with <see cref="Attempt"/>).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>When a retrying run's next attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>What a waiting run waits for, naming whose limit it is (our <c>rate_limit</c> or the upstream's 429).</summary>
    public string? WaitingReason { get; init; }

    /// <summary>Until when a waiting run waits.</summary>
    public DateTimeOffset? WaitingUntil { get; init; }

    /// <summary>For a target with a document destination: the served document's freshness (last known good, stale, error).</summary>
    public Documents.DocumentStatus? Document { get; init; }

    /// <summary>The latest finished run (any outcome: a refused run too, with its reason in <see cref="LastRunMessage"/>).</summary>
    public long? LastRunId { get; init; }

    /// <summary>succeeded, failed, refused or cancelled: the outcome of <see cref="LastRunId"/>.</summary>
    public string? LastRunStatus { get; init; }

    /// <summary>The message of <see cref="LastRunId"/>: its error, or why it was refused.</summary>
    public string? LastRunMessage { get; init; }

    /// <summary>The run queued or running now.</summary>
    public long? CurrentRunId { get; init; }

    /// <summary>The telemetry of every configured target, in config order.</summary>
    public static async Task<IReadOnlyList<TargetTelemetry>> ListAsync(SyncplaneConfig config, ISyncStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var states = (await store.ListTargetStatesAsync(cancellationToken)).ToDictionary(s => s.Target, StringComparer.Ordinal);
        var fired = await store.GetLastFiringsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var telemetry = new List<TargetTelemetry>(config.Targets.Count);
        foreach (var target in config.Targets)
        {
            var one = Of(config, target, states.GetValueOrDefault(target.Name), fired.TryGetValue(target.Name, out var slot) ? slot : null, now);
            telemetry.Add(await WithDocumentAsync(one, target, store, time, cancellationToken));
        }

        return telemetry;
    }

    /// <summary>For a target with a document destination, <paramref name="telemetry"/> with the served document's freshness (read now: it ages).</summary>
    public static async Task<TargetTelemetry> WithDocumentAsync(TargetTelemetry telemetry, TargetConfig target, ISyncStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(store);
        if (Documents.DocumentTarget.ForTarget(target) is not { } document)
        {
            return telemetry;
        }

        var stored = await store.GetDocumentAsync(document.Name, cancellationToken);
        return telemetry with { Document = await Documents.DocumentStatus.OfAsync(document, stored, store, time, cancellationToken) };
    }

    /// <summary>One target's telemetry from its stored state and last fired schedule slot.</summary>
    public static TargetTelemetry Of(SyncplaneConfig config, TargetConfig target, TargetState? state, DateTimeOffset? lastSlot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        var current = state?.Current;
        var good = state?.LastSucceededAt;
        // The run in the queue (or running) failed an attempt since the last good run: it counts as a failure until it succeeds.
        var currentFailed = current?.AttemptErrorAt is { } failedAt && (good is null || failedAt > good);
        var (error, errorAt) = Newest(
            (state?.LastError, state?.LastErrorAt), (state?.LastAttemptError, state?.LastAttemptErrorAt), (current?.AttemptError, current?.AttemptErrorAt));
        var failing = errorAt is { } at && (good is null || at > good);
        return new(
            target.Name,
            state?.Status ?? "idle",
            Canonical(state?.FrequencyOverride, target) ?? target.Schedule.Text,
            state?.FrequencyOverride is not null,
            NextFiring.Of(config, target, state, lastSlot, now),
            state?.LastAttemptedAt,
            state?.LastSucceededAt,
            state?.LastChangedAt,
            state?.TotalRuns ?? 0,
            state?.RunsWithChanges ?? 0,
            failing ? error : null,
            (state?.ConsecutiveFailures ?? 0) + (currentFailed ? 1 : 0),
            state?.LastGoodRunId,
            state?.PausedReason)
        {
            LastFinishedAt = state?.LastCompletedAt,
            LastSyncErrorAt = failing ? errorAt : null,
            PreviousSyncError = failing ? null : error,
            PreviousSyncErrorAt = failing ? null : errorAt,
            Attempt = current?.Attempt,
            MaxAttempts = current is null ? null : target.Retry.Attempts,
            NextAttemptAt = current?.NextAttemptAt,
            WaitingReason = current?.WaitReason,
            WaitingUntil = current?.WaitUntil,
            LastRunId = state?.LastFinishedRun?.Id,
            LastRunStatus = state?.LastFinishedRun?.Status,
            LastRunMessage = state?.LastFinishedRun?.Message,
            CurrentRunId = state?.CurrentRunId,
        };
    }

    // An override stored before presets were normalised ("Realtime") reads in the canonical spelling.
    private static string? Canonical(string? frequency, TargetConfig target) =>
        frequency is not null && Schedule.TryParse(frequency, target.Schedule.TimeZone, out var schedule, out _) ? schedule.Text : frequency;

    private static (string? Message, DateTimeOffset? At) Newest(params (string? Message, DateTimeOffset? At)[] errors) =>
        errors.Where(e => e is { Message: not null, At: not null }).OrderByDescending(e => e.At).FirstOrDefault();
}
