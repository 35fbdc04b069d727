using System.Diagnostics.CodeAnalysis;
using Syncplane.Config;

namespace Syncplane.Scheduling;

/// <summary>How a schedule decides when a target is due.</summary>
public enum ScheduleKind
{
    /// <summary>Never by itself; only triggers, webhooks and "sync now" start runs.</summary>
    Manual,

    /// <summary>A fixed time after the previous due time (elapsed time; time zones do not matter).</summary>
    Interval,

    /// <summary>Wall-clock times given by a 5-field cron expression in a time zone.</summary>
    Cron,
}

/// <summary>
/// When a target is due: never by itself (manual), every fixed interval, or on a 5-field cron expression.
/// </summary>
/// <remarks>
/// Accepted text (see <see cref="TryParse"/>): the presets <c>manual</c>, <c>realtime</c> (30 s),
/// <c>5min</c>, <c>10min</c>, <c>30min</c>, <c>hourly</c> (1 h) and <c>daily</c> (24 h);
/// <c>every &lt;duration&gt;</c> such as <c>every 6h</c> or <c>every: 90m</c>; the cron macros
/// <c>@hourly</c>, <c>@daily</c>/<c>@midnight</c>, <c>@weekly</c>, <c>@monthly</c>,
/// <c>@yearly</c>/<c>@annually</c>; and 5-field cron expressions (<see cref="CronExpression"/>).
/// <para>The presets <c>hourly</c> and <c>daily</c> are intervals, like the other frequency presets
/// they sit beside in the "sync frequency" setting: "every 60 minutes / once a day since the last
/// run", which also spreads many targets over the hour or day instead of firing them all at once.
/// For the top of the hour or midnight, write <c>@hourly</c>, <c>@daily</c> or a cron expression.</para>
/// </remarks>
public sealed class Schedule
{
    /// <summary>The manual schedule: never due by itself.</summary>
    public static readonly Schedule Manual = new(ScheduleKind.Manual, "manual", null, null, TimeZoneInfo.Utc);

    private Schedule(ScheduleKind kind, string text, TimeSpan? interval, CronExpression? cron, TimeZoneInfo zone)
    {
        Kind = kind;
        Text = text;
        Interval = interval;
        CronExpression = cron;
        TimeZone = zone;
    }

    /// <summary>Manual, interval or cron.</summary>
    public ScheduleKind Kind { get; }

    /// <summary>
    /// The schedule as the user wrote it, except that presets and macros are normalised to their canonical
    /// lower-case spelling without surrounding spaces (<c>Realtime</c> → <c>realtime</c>, <c>@Daily</c> → <c>@daily</c>).
    /// </summary>
    public string Text { get; }

    /// <summary>The interval, for <see cref="ScheduleKind.Interval"/> schedules; otherwise null.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>The expression, for <see cref="ScheduleKind.Cron"/> schedules; otherwise null.</summary>
    public CronExpression? CronExpression { get; }

    /// <summary>The zone cron fields are read in.</summary>
    /// <value>UTC unless one was given.</value>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>A schedule that is due every <paramref name="interval"/> (at least one second).</summary>
    public static Schedule Every(TimeSpan interval, string? text = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1));
        return new(ScheduleKind.Interval, text ?? $"every {DurationParser.Format(interval)}", interval, null, TimeZoneInfo.Utc);
    }

    /// <summary>A schedule that fires on <paramref name="cron"/> in <paramref name="zone"/> (UTC when null).</summary>
    public static Schedule FromCron(CronExpression cron, TimeZoneInfo? zone = null, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(cron);
        return new(ScheduleKind.Cron, text ?? cron.Text, null, cron, zone ?? TimeZoneInfo.Utc);
    }

    /// <summary>Parses a schedule or throws <see cref="FormatException"/> with the reason.</summary>
    public static Schedule Parse(string text, TimeZoneInfo? zone = null) =>
        TryParse(text, zone, out var schedule, out var error) ? schedule : throw new FormatException(error);

    /// <summary>Parses a preset, <c>every &lt;duration&gt;</c>, a cron macro or a 5-field cron expression.</summary>
    /// <param name="text">What the user wrote; surrounding spaces and the case of presets and macros do not matter (<see cref="Text"/> is the canonical spelling).</param>
    /// <param name="zone">The zone cron expressions are read in; UTC when null. Intervals ignore it.</param>
    /// <param name="schedule">The schedule, or <see cref="Manual"/> on failure.</param>
    /// <param name="error">What is wrong and where, or null on success.</param>
    public static bool TryParse(string text, TimeZoneInfo? zone, out Schedule schedule, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        schedule = Manual;
        error = null;
        zone ??= TimeZoneInfo.Utc;
        var trimmed = text.Trim();
        var lower = trimmed.ToLowerInvariant();

        switch (lower)
        {
            case "manual":
                schedule = new(ScheduleKind.Manual, lower, null, null, zone);
                return true;
            case "realtime":
                schedule = Every(TimeSpan.FromSeconds(30), lower);
                return true;
            case "5min" or "10min" or "30min":
                schedule = Every(TimeSpan.FromMinutes(int.Parse(lower[..^3], System.Globalization.CultureInfo.InvariantCulture)), lower);
                return true;
            case "hourly":
                schedule = Every(TimeSpan.FromHours(1), lower);
                return true;
            case "daily":
                schedule = Every(TimeSpan.FromDays(1), lower);
                return true;
        }

        if (lower.StartsWith("every", StringComparison.Ordinal) && (lower.Length == 5 || lower[5] is ':' or ' ' or '\t'))
        {
            return TryParseEvery(text, trimmed[5..].TrimStart(':').Trim(), out schedule, out error);
        }

        if (lower.StartsWith('@'))
        {
            return TryParseMacro(lower, zone, out schedule, out error);
        }

        if (!CronExpression.TryParse(trimmed, out var cron, out error))
        {
            if (trimmed.Length == 0 || !trimmed.Contains(' ', StringComparison.Ordinal))
            {
                error = $"'{trimmed}' is not a schedule: use manual, realtime, 5min, 10min, 30min, hourly, daily, " +
                    "'every <duration>' (e.g. every 6h), @daily-style macros, or a 5-field cron expression (minute hour day-of-month month day-of-week)";
            }

            return false;
        }

        schedule = FromCron(cron, zone, text);
        return true;
    }

    /// <summary>
    /// When the target is next due. Manual: never (null). Interval: <paramref name="lastDue"/> plus the
    /// interval, or <paramref name="now"/> when it never ran. Cron: the first occurrence strictly after
    /// <paramref name="lastDue"/> (or <paramref name="now"/> when it never ran), in <see cref="TimeZone"/>.
    /// </summary>
    /// <remarks>A due time in the past means the target is overdue; the caller decides to run it once.</remarks>
    public DateTimeOffset? NextDue(DateTimeOffset? lastDue, DateTimeOffset now) => Kind switch
    {
        ScheduleKind.Interval => lastDue is { } last ? last + Interval!.Value : now,
        ScheduleKind.Cron => CronExpression!.GetNextOccurrence(lastDue ?? now, TimeZone),
        _ => null,
    };

    /// <summary>A human description, e.g. "every 6h" or "at 09:00 on MON-FRI (Europe/Berlin)".</summary>
    public override string ToString() => Kind switch
    {
        ScheduleKind.Interval => $"every {DurationParser.Format(Interval!.Value)}",
        ScheduleKind.Cron => $"{CronDescription.Describe(CronExpression!.Text)} ({TimeZone.Id})",
        _ => "manual",
    };

    private static bool TryParseEvery(string text, string duration, out Schedule schedule, [NotNullWhen(false)] out string? error)
    {
        schedule = Manual;
        if (!DurationParser.TryParse(duration, out var interval))
        {
            error = $"'every' needs a duration such as 30s, 5m, 6h or 1d, not '{duration}'";
            return false;
        }

        if (interval < TimeSpan.FromSeconds(1))
        {
            error = $"'every {duration}' is too often: the shortest interval is 1s";
            return false;
        }

        schedule = Every(interval, text);
        error = null;
        return true;
    }

    private static bool TryParseMacro(string macro, TimeZoneInfo zone, out Schedule schedule, [NotNullWhen(false)] out string? error)
    {
        schedule = Manual;
        var expression = macro switch
        {
            "@hourly" => "0 * * * *",
            "@daily" or "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" or "@annually" => "0 0 1 1 *",
            _ => null,
        };
        if (expression is null)
        {
            error = $"unknown macro '{macro}': use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually";
            return false;
        }

        schedule = FromCron(CronExpression.Parse(expression), zone, macro);
        error = null;
        return true;
    }
}
