using Syncplane.Storage.Rollups;

namespace Syncplane.Analytics;

/// <summary>
/// Time series from rollups: one point per period from the first to the last that starts before the end, periods
/// without runs or results as zeros (percentiles null), so a chart's gaps are real quiet periods.
/// </summary>
public static class AnalyticsSeries
{
    /// <summary>Every period start in [floor(<paramref name="from"/>), <paramref name="to"/>).</summary>
    public static IEnumerable<DateTimeOffset> Periods(DateTimeOffset from, DateTimeOffset to, RollupPeriod period)
    {
        for (var start = RollupQuery.Floor(from, period); start < to; start += RollupQuery.Length(period))
        {
            yield return start;
        }
    }

    /// <summary>One target's (or all targets') run rollups with the quiet periods filled in; the last success carries over.</summary>
    public static IReadOnlyList<RunRollup> Runs(IReadOnlyList<RunRollup> rows, DateTimeOffset from, DateTimeOffset to, RollupPeriod period, string? target)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var byStart = rows.ToDictionary(r => r.PeriodStart);
        var filled = new List<RunRollup>();
        DateTimeOffset? lastSuccess = null;
        foreach (var start in Periods(from, to, period))
        {
            var row = byStart.GetValueOrDefault(start) ?? new RunRollup { Target = target, PeriodStart = start, LastSuccessAt = lastSuccess };
            lastSuccess = row.LastSuccessAt ?? lastSuccess;
            filled.Add(row with { LastSuccessAt = lastSuccess });
        }

        return filled;
    }

    /// <summary>One check's (or all checks') rollups with the quiet periods filled in.</summary>
    public static IReadOnlyList<CheckRollup> Checks(IReadOnlyList<CheckRollup> rows, DateTimeOffset from, DateTimeOffset to, RollupPeriod period, string? check)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var byStart = rows.ToDictionary(r => r.PeriodStart);
        return [.. Periods(from, to, period).Select(start => byStart.GetValueOrDefault(start) ?? new CheckRollup { Check = check, PeriodStart = start })];
    }

    /// <summary>The freshness at the end of the period that starts at <paramref name="start"/> (at <paramref name="now"/> for the current one), in seconds.</summary>
    public static double? FreshnessSeconds(RunRollup row, RollupPeriod period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        var end = row.PeriodStart + RollupQuery.Length(period);
        return row.FreshnessAt(end < now ? end : now) is { } age ? Math.Round(Math.Max(0, age.TotalSeconds), 3) : null;
    }
}
