using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Syncplane.Scheduling;

/// <summary>
/// A 5-field cron expression: minute hour day-of-month month day-of-week.
/// </summary>
/// <remarks>
/// <para>Fields accept <c>*</c>, numbers, lists (<c>1,15</c>), ranges (<c>1-5</c>), steps
/// (<c>*/15</c>, <c>1-30/5</c>, <c>5/10</c> = <c>5-59/10</c>) and names (<c>JAN</c>–<c>DEC</c>,
/// <c>SUN</c>–<c>SAT</c>, any case); in day-of-week both 0 and 7 are Sunday.</para>
/// <para>Days follow Vixie cron: when day-of-month and day-of-week are both restricted (neither
/// starts with <c>*</c>), a day matches if <em>either</em> matches (<c>0 0 1 * MON</c> fires on the
/// 1st and on every Monday); otherwise both must match.</para>
/// <para>An expression that can never fire (<c>0 0 30 2 *</c>) is rejected when parsed.</para>
/// </remarks>
public sealed partial class CronExpression
{
    // Satisfiable expressions recur within a 400-year Gregorian cycle; the bound only guards the loop.
    private const int SearchYears = 400;
    private const uint AllHours = (1u << 24) - 1;

    private readonly ulong _minutes;
    private readonly uint _hours;
    private readonly uint _days;
    private readonly ushort _months;
    private readonly byte _daysOfWeek;
    private readonly bool _daysAreUnion;

    private CronExpression(string text, ulong[] bits, bool dayOfMonthStar, bool dayOfWeekStar)
    {
        Text = text;
        _minutes = bits[0];
        _hours = (uint)bits[1];
        _days = (uint)bits[2];
        _months = (ushort)bits[3];
        _daysOfWeek = (byte)((bits[4] | (bits[4] >> 7)) & 0x7F);
        _daysAreUnion = !dayOfMonthStar && !dayOfWeekStar;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>True when the hour field allows every hour; such expressions also fire in a repeated (fall-back) hour.</summary>
    internal bool EveryHour => _hours == AllHours;

    /// <summary>Parses an expression; on failure <paramref name="error"/> names the field and what is wrong with it.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out CronExpression? expression, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        expression = null;
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
        {
            error = $"a cron expression has 5 fields (minute hour day-of-month month day-of-week), '{text}' has {parts.Length}";
            return false;
        }

        var bits = new ulong[5];
        for (var i = 0; i < 5; i++)
        {
            if (!CronParser.TryParseField(CronField.All[i], parts[i], out bits[i], out error))
            {
                return false;
            }
        }

        var candidate = new CronExpression(text.Trim(), bits, parts[2].StartsWith('*'), parts[4].StartsWith('*'));
        error = candidate.WhyNeverFires();
        if (error is not null)
        {
            return false;
        }

        expression = candidate;
        return true;
    }

    /// <summary>Parses an expression or throws <see cref="FormatException"/> with the reason.</summary>
    public static CronExpression Parse(string text) =>
        TryParse(text, out var expression, out var error) ? expression : throw new FormatException(error);

    /// <summary>Whether the expression fires at this wall-clock minute (seconds are ignored).</summary>
    public bool Matches(DateTime wallClock) =>
        Has(_minutes, wallClock.Minute) && Has(_hours, wallClock.Hour) && Has(_months, wallClock.Month)
        && DayMatches(wallClock.Year, wallClock.Month, wallClock.Day);

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>The first matching wall-clock minute at or after <paramref name="from"/> (truncated to the minute), or null.</summary>
    internal DateTime? NextMatch(DateTime from)
    {
        int year = from.Year, month = from.Month, day = from.Day, hour = from.Hour, minute = from.Minute;
        var lastYear = Math.Min(DateTime.MaxValue.Year, year + SearchYears);
        while (true)
        {
            if (hour > 23)
            {
                (hour, minute, day) = (0, 0, day + 1);
            }

            if (month <= 12 && day > DateTime.DaysInMonth(year, month))
            {
                (day, hour, minute, month) = (1, 0, 0, month + 1);
            }

            if (month > 12)
            {
                (month, day, hour, minute, year) = (1, 1, 0, 0, year + 1);
            }

            if (year > lastYear)
            {
                return null;
            }

            var m = NextBit(_months, month);
            if (m != month)
            {
                (month, day, hour, minute) = m < 0 ? (13, 1, 0, 0) : (m, 1, 0, 0);
                continue;
            }

            if (!DayMatches(year, month, day))
            {
                (day, hour, minute) = (day + 1, 0, 0);
                continue;
            }

            var h = NextBit(_hours, hour);
            if (h != hour)
            {
                (hour, minute) = h < 0 ? (24, 0) : (h, 0);
                continue;
            }

            var mi = NextBit(_minutes, minute);
            if (mi < 0)
            {
                (hour, minute) = (hour + 1, 0);
                continue;
            }

            return new DateTime(year, month, day, hour, mi, 0, DateTimeKind.Unspecified);
        }
    }

    private bool DayMatches(int year, int month, int day)
    {
        var byDate = Has(_days, day);
        var byWeekday = Has(_daysOfWeek, (int)new DateTime(year, month, day).DayOfWeek);
        return _daysAreUnion ? byDate || byWeekday : byDate && byWeekday;
    }

    private string? WhyNeverFires()
    {
        if (_daysAreUnion)
        {
            return null; // every month has every weekday
        }

        for (var month = 1; month <= 12; month++)
        {
            if (Has(_months, month) && NextBit(_days, 1) is var first && first >= 1 && first <= DateTime.DaysInMonth(2000, month))
            {
                return null; // 2000 is a leap year: February has 29 days
            }
        }

        var days = string.Join(",", Enumerable.Range(1, 31).Where(d => Has(_days, d)));
        var months = string.Join(",", Enumerable.Range(1, 12).Where(m => Has(_months, m)).Select(m => CronField.Month.Names![m - 1]));
        return $"{CronField.DayOfMonth.Where}: day {days} never occurs in {months}, so the expression would never fire";
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;

    /// <summary>The smallest value ≥ <paramref name="from"/> in <paramref name="bits"/>, or -1.</summary>
    private static int NextBit(ulong bits, int from)
    {
        var masked = from >= 64 ? 0 : bits & (ulong.MaxValue << from);
        return masked == 0 ? -1 : BitOperations.TrailingZeroCount(masked);
    }
}
