namespace Syncplane.Storage.Rollups;

/// <summary>Results of one check in one period; latency percentiles as in <see cref="RunRollup"/>.</summary>
public sealed record CheckRollup
{
    /// <summary>The check; null for a sum over all checks.</summary>
    public string? Check { get; init; }

    public DateTimeOffset PeriodStart { get; init; }

    public long Samples { get; init; }

    public long Healthy { get; init; }

    public long Degraded { get; init; }

    public long Down { get; init; }

    public long Unknown { get; init; }

    public long? LatencyP50Ms { get; init; }

    public long? LatencyP95Ms { get; init; }

    public long? LatencyP99Ms { get; init; }

    public long? LatencyMaxMs { get; init; }

    /// <summary>Up (healthy or degraded) results as a percentage of healthy, degraded and down ones, rounded to two decimals; null when all were unknown.</summary>
    public double? UptimePercent => Healthy + Degraded + Down is var counted and > 0 ? Math.Round(100.0 * (Healthy + Degraded) / counted, 2) : null;
}
