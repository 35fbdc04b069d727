namespace Syncplane.Scheduling;

/// <summary>One firing of a schedule: the nominal slot (the key a firing is recorded under) and when, after jitter, to fire it.</summary>
/// <param name="Slot">The schedule's due time; record the firing under (target, slot) and pass it back as the last slot.</param>
/// <param name="FireAt">The slot plus the target's jitter offset; the firing is due once the clock reaches it.</param>
internal readonly record struct DueSlot(DateTimeOffset Slot, DateTimeOffset FireAt)
{
    /// <summary>True when the firing is due at <paramref name="now"/>.</summary>
    public bool IsDue(DateTimeOffset now) => FireAt <= now;
}

/// <summary>The next firing of one target: schedule, jitter, and collapsing of slots missed during downtime.</summary>
internal static class DueCalculator
{
    /// <summary>
    /// The slot the target fires next, given the slot it last fired for. When several slots were
    /// missed (the scheduler was down), this is the latest one whose firing time has passed, so they
    /// run once, not once per slot. Null for manual schedules (they never fire by themselves).
    /// </summary>
    /// <param name="schedule">The effective schedule (a runtime frequency override already applied; see <see cref="ScheduledTarget"/>).</param>
    /// <param name="target">The target's name, which fixes its jitter offset.</param>
    /// <param name="lastSlot">The slot of its last firing; null when it never fired.</param>
    /// <param name="now">The current time.</param>
    /// <param name="jitter">The configured jitter window; null for the default (<see cref="ScheduleJitter"/>).</param>
    /// <param name="lastRunAt">When its latest run started, whatever started it; null when unknown.</param>
    /// <remarks>
    /// <para>An interval counts from the last run: when a run started later than the last firing (a manual sync, a
    /// webhook), the next firing is that start plus the interval, with no jitter offset on top (the target
    /// keeps the phase that run gave it). A cron schedule keeps its wall-clock times.
    /// </para>
    /// <para>A target that never fired: an interval schedule is due at once, its slot the start of the
    /// current jitter-window-long stretch of time, so a fleet of new targets still spreads over the
    /// window; a cron schedule's first slot is its first occurrence at or after <c>now - window</c>,
    /// so a scheduler that wakes a little late does not skip it.</para>
    /// </remarks>
    public static DueSlot? Next(Schedule schedule, string target, DateTimeOffset? lastSlot, DateTimeOffset now, TimeSpan? jitter = null, DateTimeOffset? lastRunAt = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var window = ScheduleJitter.Window(schedule, jitter);
        var offset = ScheduleJitter.Offset(target, window);
        var slot = schedule.Kind switch
        {
            ScheduleKind.Interval => IntervalSlot(schedule.Interval!.Value, CountFrom(lastSlot, lastRunAt, offset), now, window, offset),
            ScheduleKind.Cron => CronSlot(schedule, lastSlot, now, window, offset),
            _ => null,
        };
        return slot is { } s ? new DueSlot(s, s + offset) : null;
    }

    // The slot an interval counts from: the last firing's, or the last run's start (less the offset the slot gets back) when later.
    private static DateTimeOffset? CountFrom(DateTimeOffset? lastSlot, DateTimeOffset? lastRunAt, TimeSpan offset) =>
        lastRunAt is { } run && (lastSlot is not { } slot || run - offset > slot) ? run - offset : lastSlot;

    private static DateTimeOffset IntervalSlot(TimeSpan interval, DateTimeOffset? lastSlot, DateTimeOffset now, TimeSpan window, TimeSpan offset)
    {
        if (lastSlot is not { } last)
        {
            return window <= TimeSpan.Zero ? now : new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        }

        var first = last + interval;
        var cutoff = now - offset;
        if (first > cutoff)
        {
            return first;
        }

        var missed = (cutoff - first).Ticks / interval.Ticks;
        return first + TimeSpan.FromTicks(missed * interval.Ticks);
    }

    private static DateTimeOffset? CronSlot(Schedule schedule, DateTimeOffset? lastSlot, DateTimeOffset now, TimeSpan window, TimeSpan offset)
    {
        var cron = schedule.CronExpression!;
        var zone = schedule.TimeZone;
        var from = lastSlot ?? now - window - TimeSpan.FromTicks(1);
        if (cron.GetNextOccurrence(from, zone) is not { } first)
        {
            return null;
        }

        var cutoff = now - offset;
        if (first > cutoff)
        {
            return first;
        }

        // Missed slots: find the latest occurrence ≤ cutoff without walking every slot of a long outage.
        var start = first;
        for (var lookback = TimeSpan.FromMinutes(2); cutoff - lookback > first; lookback *= 2)
        {
            if (cron.GetNextOccurrence(cutoff - lookback, zone) is { } probe && probe <= cutoff)
            {
                start = probe;
                break;
            }
        }

        var latest = start;
        while (cron.GetNextOccurrence(latest, zone) is { } next && next <= cutoff)
        {
            latest = next;
        }

        return latest;
    }
}
