namespace Syncplane.Scheduling;

/// <summary>
/// Deterministic per-target jitter: each target fires a fixed offset after its schedule's slots, the
/// offset derived from a stable hash of its name, so many targets on one schedule spread over the
/// jitter window instead of stampeding, and every node and restart computes the same offset.
/// </summary>
/// <remarks>
/// Default window: 10% of the interval, at most 5 minutes, for interval schedules (<c>every 5m</c>:
/// 30s; <c>hourly</c>: 5m); 30 seconds for cron schedules, whose users expect "about" the minute they
/// wrote; none for manual ones. A configured <c>jitter</c> replaces the default; an interval
/// schedule's window is kept below its interval, so a target still fires once per interval.
/// </remarks>
internal static class ScheduleJitter
{
    /// <summary>The cap on the default window of interval schedules.</summary>
    public static readonly TimeSpan MaxDefaultInterval = TimeSpan.FromMinutes(5);

    /// <summary>The default window of cron schedules.</summary>
    public static readonly TimeSpan DefaultCron = TimeSpan.FromSeconds(30);

    /// <summary>The window offsets are drawn from: <paramref name="configured"/> when set, else the default for the schedule.</summary>
    public static TimeSpan Window(Schedule schedule, TimeSpan? configured)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var window = schedule.Kind switch
        {
            ScheduleKind.Interval => configured ?? TimeSpan.FromTicks(Math.Min(schedule.Interval!.Value.Ticks / 10, MaxDefaultInterval.Ticks)),
            ScheduleKind.Cron => configured ?? DefaultCron,
            _ => TimeSpan.Zero,
        };
        if (schedule.Interval is { } interval && window >= interval)
        {
            window = interval - TimeSpan.FromTicks(1);
        }

        return window < TimeSpan.Zero ? TimeSpan.Zero : window;
    }

    /// <summary>The target's offset in [0, <paramref name="window"/>), whole milliseconds.</summary>
    public static TimeSpan Offset(string target, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(target);
        var milliseconds = (ulong)(window.Ticks / TimeSpan.TicksPerMillisecond);
        if (milliseconds == 0)
        {
            return TimeSpan.Zero;
        }

        // Multiply-shift maps the 64-bit hash onto [0, milliseconds) without modulo bias worth noting.
        var scaled = (ulong)(((UInt128)StableHash(target) * milliseconds) >> 64);
        return TimeSpan.FromMilliseconds(scaled);
    }

    /// <summary>FNV-1a over the name's UTF-16 code units, finished with the SplitMix64 mixer; stable across processes and versions (unlike <see cref="string.GetHashCode()"/>).</summary>
    public static ulong StableHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
