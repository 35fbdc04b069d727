using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Scheduling;

/// <summary>When the scheduler will next enqueue a target, for <c>syncplane status</c> and the API.</summary>
internal static class NextFiring
{
    /// <summary>
    /// The next firing time (after jitter) of <paramref name="target"/>, given its stored state (frequency
    /// override, pause) and its last fired slot; null for manual and paused targets. A time in the past
    /// means it is overdue and fires as soon as a scheduler runs.
    /// </summary>
    public static DateTimeOffset? Of(SyncplaneConfig config, TargetConfig target, TargetState? state, DateTimeOffset? lastSlot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(target);
        if (state?.PausedReason is not null)
        {
            return null;
        }

        var schedule = state?.FrequencyOverride is { } text && Schedule.TryParse(text, target.Schedule.TimeZone, out var parsed, out _) ? parsed : target.Schedule;
        return DueCalculator.Next(schedule, target.Name, lastSlot, now, target.Jitter ?? config.Defaults.Jitter)?.FireAt;
    }
}
