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

    /// <summary>
    /// <paramref name="rows"/> as one rollup starting at <paramref name="periodStart"/>: counts added up, maxima and the last
    /// success the greatest; percentiles are left out (they need the rows' histograms).
    /// </summary>
    public static RunRollup Sum(IReadOnlyCollection<RunRollup> rows, DateTimeOffset periodStart, string? target = null) => new()
    {
        Target = target,
        PeriodStart = periodStart,
        Attempts = rows.Sum(r => r.Attempts),
        Successes = rows.Sum(r => r.Successes),
        Failures = rows.Sum(r => r.Failures),
        Refusals = rows.Sum(r => r.Refusals),
        Cancellations = rows.Sum(r => r.Cancellations),
        RunsWithChanges = rows.Sum(r => r.RunsWithChanges),
        ItemsWritten = rows.Sum(r => r.ItemsWritten),
        DurationCount = rows.Sum(r => r.DurationCount),
        DurationSumMs = rows.Sum(r => r.DurationSumMs),
        DurationMaxMs = rows.Max(r => r.DurationMaxMs),
        LatencyMaxMs = rows.Max(r => r.LatencyMaxMs),
        LastSuccessAt = rows.Max(r => r.LastSuccessAt),
    };

    /// <summary>How old the target's data was at <paramref name="end"/>: the time since <see cref="LastSuccessAt"/>.</summary>
    public TimeSpan? FreshnessAt(DateTimeOffset end) => LastSuccessAt is { } at ? end - at : null;
}
