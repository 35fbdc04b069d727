namespace Syncplane.Scheduling;

public sealed partial class CronExpression
{
    // The last question and its answer. Targets that share a schedule share its expression, and a scheduler planning them
    // asks it the same question once per target (100,000 targets written with 60 expressions: 60 answers to work out).
    private Occurrence? _last;

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
    /// whose hour field allows every hour keeps its rhythm and fires in both passes, as cronie does for jobs
    /// that run hourly or more often.</para>
    /// </remarks>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (_last is { } last && last.After.UtcTicks == after.UtcTicks && last.After.Offset == after.Offset && ReferenceEquals(last.Zone, zone))
        {
            return last.Next;
        }

        var next = Earliest(after, zone);

        // Cronos also fires in the second pass when the minute or hour field has a '*', range or step
        // ("*/15 1 * * *", "0 1-3 * * *"); we do that only when every hour matches, so such a firing is skipped.
        while (!EveryHour && next is { } instant && InSecondPass(instant, zone))
        {
            next = Earliest(instant, zone);
        }

        _last = new Occurrence(after, zone, next);
        return next;
    }

    private DateTimeOffset? Earliest(DateTimeOffset after, TimeZoneInfo zone)
    {
        DateTimeOffset? earliest = null;
        foreach (var cronos in _cronos)
        {
            if (cronos.GetNextOccurrence(after, zone) is { } next && (earliest is null || next < earliest))
            {
                earliest = next;
            }
        }

        return earliest;
    }

    /// <summary>Whether <paramref name="instant"/> is in the second pass of a repeated hour (clocks already went back).</summary>
    private static bool InSecondPass(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return zone.IsAmbiguousTime(local) && local.Offset == zone.GetAmbiguousTimeOffsets(local).Min();
    }

    private sealed record Occurrence(DateTimeOffset After, TimeZoneInfo Zone, DateTimeOffset? Next);
}
