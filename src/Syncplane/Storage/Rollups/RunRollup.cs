namespace Syncplane.Storage.Rollups;

/// <summary>
/// Finished runs of one target (or of all targets) in one period. Durations run from start to finish, latencies from
/// trigger (queued) to finish, both in milliseconds and only for runs that started; percentiles are nearest-rank over
/// <see cref="RollupHistogram"/> buckets (exact under 256 ms, within 0.8 % above).
/// </summary>
public sealed record RunRollup
{
    /// <summary>The target; null for a sum over all targets.</summary>
    public string? Target { get; init; }

    /// <summary>The first instant of the period (UTC).</summary>
    public DateTimeOffset PeriodStart { get; init; }

    public long Attempts { get; init; }

    public long Successes { get; init; }

    public long Failures { get; init; }

    public long Refusals { get; init; }

    public long Cancellations { get; init; }

    /// <summary>Succeeded real (not dry) runs that wrote something.</summary>
    public long RunsWithChanges { get; init; }

    /// <summary>Creates, updates and deletes of succeeded real runs.</summary>
    public long ItemsWritten { get; init; }

    /// <summary>Runs with a duration (they started).</summary>
    public long DurationCount { get; init; }

    public long DurationSumMs { get; init; }

    public long? DurationP50Ms { get; init; }

    public long? DurationP95Ms { get; init; }

    public long? DurationMaxMs { get; init; }

    public long? LatencyP50Ms { get; init; }

    public long? LatencyP95Ms { get; init; }

    public long? LatencyMaxMs { get; init; }

    /// <summary>The last successful real run up to the end of the period (carried over from earlier periods); null when none.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>Successes over attempts that were not cancelled; null when there were none.</summary>
    public double? SuccessRate => Attempts - Cancellations is var decided and > 0 ? (double)Successes / decided : null;

    /// <summary>How old the target's data was at <paramref name="end"/>: the time since <see cref="LastSuccessAt"/>.</summary>
    public TimeSpan? FreshnessAt(DateTimeOffset end) => LastSuccessAt is { } at ? end - at : null;
}
