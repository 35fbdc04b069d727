namespace Syncplane.Scheduling;

public sealed partial class CronExpression
{
    private static readonly DateTime LastMinute = new(9999, 12, 31, 23, 59, 0, DateTimeKind.Unspecified);

    /// <summary>
    /// The first instant strictly after <paramref name="after"/> at which the expression fires,
    /// reading the fields as wall-clock time in <paramref name="zone"/>; null if there is none before year 10000.
    /// </summary>
    /// <remarks>
    /// <para>Daylight saving time follows common cron practice. A wall-clock time that a
    /// spring-forward gap skips fires at the first instant after the gap (02:30 on the day clocks go
    /// from 02:00 to 03:00 fires at 03:00), once, however many skipped minutes matched.</para>
    /// <para>In a repeated fall-back hour an expression for specific hours fires once, at the first
    /// pass (<c>30 1 * * *</c> fires at 01:30 before the change, not again after it); an expression
    /// whose hour field is <c>*</c> keeps its rhythm and fires in both passes, as cronie does for jobs
    /// that run hourly or more often.</para>
    /// </remarks>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(after, zone);
        var minute = local.DateTime.AddTicks(-(local.DateTime.Ticks % TimeSpan.TicksPerMinute));
        if (minute >= LastMinute)
        {
            return null;
        }

        var wall = minute.AddMinutes(1);

        // In the first pass of a repeated hour, an every-hour expression's second-pass firings come
        // before the wall-clock times that follow the repeated hour.
        var secondPass = EveryHour && zone.IsAmbiguousTime(local) ? NextInSecondPass(after, local, zone) : null;

        // Each step moves the wall clock forward; only skipped first-pass minutes of a repeated hour loop.
        for (var guard = 0; guard < 10_000; guard++)
        {
            if (NextMatch(wall) is not { } match)
            {
                return secondPass;
            }

            if (Resolve(match, after, zone) is { } instant)
            {
                return secondPass is { } early && early < instant ? early : instant;
            }

            if (match >= LastMinute)
            {
                return secondPass;
            }

            wall = match.AddMinutes(1);
        }

        throw new InvalidOperationException($"no next occurrence of '{Text}' in {zone.Id} after {after:O}: the search did not converge");
    }

    /// <summary>The instant a matching wall-clock time stands for, or null when it is not after <paramref name="after"/> (or a repeated time already fired).</summary>
    private DateTimeOffset? Resolve(DateTime wall, DateTimeOffset after, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(wall))
        {
            var end = EndOfGap(wall, zone);
            return end > after ? end : null;
        }

        if (zone.IsAmbiguousTime(wall))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(wall);
            var first = new DateTimeOffset(wall, offsets.Max());
            if (first > after)
            {
                return first;
            }

            var second = new DateTimeOffset(wall, offsets.Min());
            return EveryHour && second > after ? second : null;
        }

        var instant = new DateTimeOffset(wall, zone.GetUtcOffset(wall));
        return instant > after ? instant : null;
    }

    /// <summary>While <paramref name="after"/> is in the first pass of a repeated hour: the earliest match in its second pass.</summary>
    private DateTimeOffset? NextInSecondPass(DateTimeOffset after, DateTimeOffset local, TimeZoneInfo zone)
    {
        var offsets = zone.GetAmbiguousTimeOffsets(local);
        var (early, late) = (offsets.Max(), offsets.Min());
        if (local.Offset != early)
        {
            return null; // already in the second pass
        }

        // The clocks go back within (late - early) of any first-pass instant.
        var change = FirstInstant(after, after + (early - late), u => zone.GetUtcOffset(u) != early);
        var start = change.ToOffset(late).DateTime;
        var end = change.ToOffset(early).DateTime;
        return NextMatch(start) is { } match && match < end ? new DateTimeOffset(match, late) : null;
    }

    /// <summary>The instant clocks jump forward over the gap that contains <paramref name="skipped"/>.</summary>
    private static DateTimeOffset EndOfGap(DateTime skipped, TimeZoneInfo zone)
    {
        // UTC offsets lie within ±14 h, so the jump is inside this window around the wall-clock time read as UTC.
        var asUtc = new DateTimeOffset(skipped, TimeSpan.Zero);
        return FirstInstant(asUtc.AddHours(-15), asUtc.AddHours(15), u => TimeZoneInfo.ConvertTime(u, zone).DateTime >= skipped);
    }

    /// <summary>The earliest instant in (<paramref name="low"/>, <paramref name="high"/>] where <paramref name="reached"/> holds, given it holds at <paramref name="high"/> and stays true once true.</summary>
    private static DateTimeOffset FirstInstant(DateTimeOffset low, DateTimeOffset high, Func<DateTimeOffset, bool> reached)
    {
        long lo = low.UtcTicks, hi = high.UtcTicks;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (reached(new DateTimeOffset(mid, TimeSpan.Zero)))
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return new DateTimeOffset(hi, TimeSpan.Zero);
    }
}
