namespace Syncplane.Storage.Rollups;

/// <summary>The length of a rollup period.</summary>
public enum RollupPeriod
{
    /// <summary>A UTC hour.</summary>
    Hour,

    /// <summary>A UTC day.</summary>
    Day,
}

/// <summary>Which rollups to read: periods of one length starting in [<paramref name="From"/>, <paramref name="To"/>).</summary>
/// <param name="Period">Hour or day rows.</param>
/// <param name="From">The first period start included.</param>
/// <param name="To">Periods starting at or after this are left out.</param>
/// <param name="Subject">One target (or check); null for all of them.</param>
/// <param name="PerTarget">With no subject: one row per target (or check) and period instead of their sum.</param>
public sealed record RollupQuery(RollupPeriod Period, DateTimeOffset From, DateTimeOffset To, string? Subject = null, bool PerTarget = false)
{
    /// <summary>The period's stored name.</summary>
    internal string PeriodText => Period == RollupPeriod.Hour ? "hour" : "day";

    /// <summary>The start of the period that contains <paramref name="at"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset at, RollupPeriod period)
    {
        var utc = at.ToUniversalTime();
        return period == RollupPeriod.Hour
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The length of <paramref name="period"/>.</summary>
    public static TimeSpan Length(RollupPeriod period) => period == RollupPeriod.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
}
