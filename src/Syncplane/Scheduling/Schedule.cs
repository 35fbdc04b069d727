namespace Syncplane.Scheduling;

public enum ScheduleKind
{
    Manual,
    Interval,
    Cron,
}

/// <summary>
/// When a target is due: never by itself (manual), every fixed interval, or on a 5-field cron expression.
/// </summary>
public sealed class Schedule
{
    public static readonly Schedule Manual = new(ScheduleKind.Manual, "manual", null);

    private Schedule(ScheduleKind kind, string text, TimeSpan? interval)
    {
        Kind = kind;
        Text = text;
        Interval = interval;
    }

    public ScheduleKind Kind { get; }

    /// <summary>The schedule as the user wrote it.</summary>
    public string Text { get; }

    public TimeSpan? Interval { get; }

    // TODO(scheduling): presets, every, cron with time zones; NextDue.
    public static bool TryParse(string text, TimeZoneInfo? zone, out Schedule schedule, out string? error)
    {
        _ = zone;
        schedule = Manual;
        error = text == "manual" ? null : "not implemented";
        return error is null;
    }
}
