namespace Syncplane.Scheduling;

/// <summary>What the scheduler knows about one target.</summary>
/// <param name="Name">The target's name.</param>
/// <param name="Schedule">The schedule from the config file.</param>
/// <param name="LastSlot">The slot of its last firing (from the store); null when it never fired.</param>
/// <param name="Jitter">The configured jitter window; null for the default.</param>
/// <param name="FrequencyOverride">The frequency set at run time (API, dashboard); replaces <paramref name="Schedule"/> when present.</param>
/// <param name="Paused">True while the target is paused; it does not fire.</param>
/// <param name="LastRunAt">When its latest run started, whatever started it (a manual sync, a webhook); interval schedules count from it.</param>
internal sealed record ScheduledTarget(
    string Name, Schedule Schedule, DateTimeOffset? LastSlot = null, TimeSpan? Jitter = null, Schedule? FrequencyOverride = null, bool Paused = false, DateTimeOffset? LastRunAt = null)
{
    /// <summary>The schedule in force: the runtime override when set, otherwise the file's.</summary>
    public Schedule Effective => FrequencyOverride ?? Schedule;
}

/// <summary>A target to enqueue now, recorded under (target, slot).</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Slot">The due time the firing is for (unique per target).</param>
/// <param name="FireAt">When it was meant to fire, after jitter.</param>
internal sealed record DueFiring(string Target, DateTimeOffset Slot, DateTimeOffset FireAt);

/// <summary>The result of one scheduler pass: what to enqueue now and when to wake up next.</summary>
/// <param name="Due">Targets due now, earliest firing time first.</param>
/// <param name="WakeAt">The earliest firing time among the rest; null when nothing is scheduled. After enqueueing <paramref name="Due"/> and recording their slots, the scheduler sleeps until then (or until a config, override or pause change).</param>
internal sealed record SchedulerPlan(IReadOnlyList<DueFiring> Due, DateTimeOffset? WakeAt)
{
    /// <summary>Computes the plan at <paramref name="now"/>; manual and paused targets never fire.</summary>
    public static SchedulerPlan Compute(IEnumerable<ScheduledTarget> targets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var due = new List<DueFiring>();
        DateTimeOffset? wake = null;
        foreach (var target in targets)
        {
            if (target.Paused || DueCalculator.Next(target.Effective, target.Name, target.LastSlot, now, target.Jitter, target.LastRunAt) is not { } next)
            {
                continue;
            }

            if (next.IsDue(now))
            {
                due.Add(new DueFiring(target.Name, next.Slot, next.FireAt));
            }
            else if (wake is null || next.FireAt < wake)
            {
                wake = next.FireAt;
            }
        }

        due.Sort((a, b) => a.FireAt.CompareTo(b.FireAt));
        return new SchedulerPlan(due, wake);
    }
}
