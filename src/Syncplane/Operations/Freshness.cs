using Syncplane.Config;
using Syncplane.Scheduling;

namespace Syncplane.Operations;

/// <summary>
/// When a target's data is stale: it has a schedule (not manual) and it never succeeded, or its last good run
/// finished more than twice its schedule's interval ago (for cron schedules, the gap between its next two
/// occurrences). Used by the overview and documented in docs/api.md.
/// </summary>
internal static class Freshness
{
    /// <summary>How many intervals may pass without a good run before a target is stale.</summary>
    public const int StaleAfterIntervals = 2;

    /// <summary>The target's effective schedule: its runtime frequency override when valid, else the config's.</summary>
    public static Schedule EffectiveSchedule(TargetConfig target, TargetTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(telemetry);
        return telemetry.FrequencyOverridden && Schedule.TryParse(telemetry.SyncFrequency, target.Schedule.TimeZone, out var parsed, out _) ? parsed : target.Schedule;
    }

    /// <summary>The time between two firings; null for manual schedules.</summary>
    public static TimeSpan? Interval(Schedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Interval is { } interval)
        {
            return interval;
        }

        return schedule.NextDue(null, now) is { } next && schedule.NextDue(next, now) is { } after ? after - next : null;
    }

    /// <summary>True when the target is stale at <paramref name="now"/> (see the class remarks).</summary>
    public static bool IsStale(TargetConfig target, TargetTelemetry telemetry, DateTimeOffset now)
    {
        if (Interval(EffectiveSchedule(target, telemetry), now) is not { } interval)
        {
            return false;
        }

        return telemetry.LastSucceededAt is not { } completed || now - completed > interval * StaleAfterIntervals;
    }
}
