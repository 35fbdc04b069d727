namespace Syncplane.Checks;

/// <summary>One check's numbers for one UTC day.</summary>
/// <param name="Date">The UTC day.</param>
/// <param name="Samples">Results that day.</param>
/// <param name="Healthy">Healthy results.</param>
/// <param name="Degraded">Degraded results.</param>
/// <param name="Down">Down results.</param>
/// <param name="Unknown">Unknown results (nothing to check); they count neither as up nor as down.</param>
/// <param name="UptimePercent">Up (healthy or degraded) results as a percentage of healthy, degraded and down ones, rounded to two decimals; null when every result was unknown.</param>
/// <param name="LatencyP50Ms">Median latency over every result of the day (nearest rank).</param>
/// <param name="LatencyP95Ms">95th percentile latency (nearest rank).</param>
/// <param name="LatencyP99Ms">99th percentile latency (nearest rank).</param>
public sealed record DailyCheckStats(
    DateOnly Date, int Samples, int Healthy, int Degraded, int Down, int Unknown, double? UptimePercent, long LatencyP50Ms, long LatencyP95Ms, long LatencyP99Ms);

/// <summary>
/// Per-day uptime and latency percentiles of a check, computed from its stored history. Up means reachable:
/// healthy or degraded (a slow or behind dependency still answers); down is down; unknown (e.g. a compose check
/// without a compose file) is left out of the uptime ratio. Percentiles use the nearest-rank method.
/// </summary>
public static class CheckAnalytics
{
    /// <summary>The stats of each UTC day that has results, newest day first.</summary>
    public static IReadOnlyList<DailyCheckStats> Daily(IEnumerable<CheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results
            .GroupBy(r => DateOnly.FromDateTime(r.CheckedAt.UtcDateTime))
            .OrderByDescending(g => g.Key)
            .Select(g => Day(g.Key, [.. g]))
            .ToList();
    }

    /// <summary>The nearest-rank <paramref name="percentile"/> (0–100] of <paramref name="sorted"/>, which is ascending and not empty.</summary>
    public static long Percentile(IReadOnlyList<long> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private static DailyCheckStats Day(DateOnly date, List<CheckResult> day)
    {
        var healthy = day.Count(r => r.Status == CheckStatus.Healthy);
        var degraded = day.Count(r => r.Status == CheckStatus.Degraded);
        var down = day.Count(r => r.Status == CheckStatus.Down);
        var counted = healthy + degraded + down;
        double? uptime = counted == 0 ? null : Math.Round(100.0 * (healthy + degraded) / counted, 2);
        var latencies = day.Select(r => r.LatencyMs).Order().ToList();
        return new DailyCheckStats(
            date, day.Count, healthy, degraded, down, day.Count - counted, uptime,
            Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99));
    }
}
