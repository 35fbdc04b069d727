using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Scheduling;

/// <summary>When the scheduler will next enqueue a target, for <c>syncplane status</c> and the API.</summary>
internal static class NextFiring
{
    /// <summary>
    /// The next firing time (after jitter) of <paramref name="target"/>, given its stored state (frequency
    /// override, pause) and its last fired slot; null for manual and paused targets. Never before
    /// <paramref name="now"/>: an overdue target fires as soon as a scheduler runs, so its next run is now.
    /// </summary>
    /// <remarks>
    /// The scheduler plans from fired slots only. A target run only through <c>syncplane run</c> has none, so its
    /// slot is the start of the current jitter window, and the slot plus its offset can lie before the run that
    /// just completed; the scheduler would enqueue it at its next pass, not at that past instant.
    /// </remarks>
    public static DateTimeOffset? Of(SyncplaneConfig config, TargetConfig target, TargetState? state, DateTimeOffset? lastSlot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(target);
        if (state?.PausedReason is not null)
        {
            return null;
        }

        var schedule = state?.FrequencyOverride is { } text && Schedule.TryParse(text, target.Schedule.TimeZone, out var parsed, out _) ? parsed : target.Schedule;
        var fireAt = DueCalculator.Next(schedule, target.Name, lastSlot, now, target.Jitter ?? config.Defaults.Jitter, state?.LastAttemptedAt)?.FireAt;
        return fireAt < now ? now : fireAt;
    }
}
