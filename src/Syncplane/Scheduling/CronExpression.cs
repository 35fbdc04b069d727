using System.Diagnostics.CodeAnalysis;

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
/// <para>Occurrences come from Cronos. Three things stay ours, each because Cronos differs:
/// the grammar check (<see cref="CronParser"/>: Cronos also takes reversed ranges, steps wider
/// than the field, <c>L</c>, <c>W</c>, <c>#</c>, <c>?</c> and <c>H</c>, which crontab rejects, and its
/// errors do not name the field); the Vixie day rule (Cronos ANDs the day fields, so a union is
/// two Cronos expressions, one per day field); and the repeated fall-back hour (see
/// <see cref="GetNextOccurrence"/>).</para>
/// </remarks>
public sealed partial class CronExpression
{
    private const int MinuteField = 0;
    private const int HourField = 1;
    private const int DayOfMonthField = 2;
    private const int MonthField = 3;
    private const int DayOfWeekField = 4;
    private const ulong AllHours = (1UL << 24) - 1;

    // One expression, or two for a Vixie union of the day fields (day-of-month only, day-of-week only).
    private readonly Cronos.CronExpression[] _cronos;

    private CronExpression(string text, Cronos.CronExpression[] cronos, bool everyHour)
    {
        Text = text;
        _cronos = cronos;
        EveryHour = everyHour;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>True when the hour field allows every hour; such expressions also fire in a repeated (fall-back) hour.</summary>
    internal bool EveryHour { get; }

    /// <summary>Parses an expression; on failure <paramref name="error"/> names the field and what is wrong with it.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out CronExpression? expression, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        expression = null;
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"a cron expression has 5 fields (minute hour day-of-month month day-of-week), '{text}' has {fields.Length}";
            return false;
        }

        var bits = new ulong[5];
        for (var i = 0; i < 5; i++)
        {
            if (!CronParser.TryParseField(CronField.All[i], fields[i], out bits[i], out error))
            {
                return false;
            }
        }

        var daysAreUnion = !fields[DayOfMonthField].StartsWith('*') && !fields[DayOfWeekField].StartsWith('*');
        error = daysAreUnion ? null : WhyNeverFires(bits[DayOfMonthField], bits[MonthField]);
        if (error is not null)
        {
            return false;
        }

        var everyHour = bits[HourField] == AllHours;
        if (everyHour)
        {
            // Same hours; Cronos counts an hour field with '*' as "interval", which fires in both passes of a repeated hour.
            fields[HourField] = "*";
        }

        Cronos.CronExpression[] cronos = daysAreUnion
            ? [ToCronos(fields, dayOfWeek: "*"), ToCronos(fields, dayOfMonth: "*")]
            : [ToCronos(fields)];
        expression = new CronExpression(text.Trim(), cronos, everyHour);
        return true;
    }

    /// <summary>Parses an expression or throws <see cref="FormatException"/> with the reason.</summary>
    public static CronExpression Parse(string text) =>
        TryParse(text, out var expression, out var error) ? expression : throw new FormatException(error);

    /// <summary>Whether the expression fires at this wall-clock minute (seconds are ignored).</summary>
    public bool Matches(DateTime wallClock)
    {
        // Read as UTC, a wall-clock time has no daylight-saving gaps or repeats: a pure calendar match.
        var minute = new DateTime(wallClock.Ticks - (wallClock.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
        return _cronos.Any(c => c.GetNextOccurrence(minute, inclusive: true) == minute);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static Cronos.CronExpression ToCronos(string[] fields, string? dayOfMonth = null, string? dayOfWeek = null) =>
        Cronos.CronExpression.Parse(string.Join(' ', fields[MinuteField], fields[HourField], dayOfMonth ?? fields[DayOfMonthField], fields[MonthField], dayOfWeek ?? fields[DayOfWeekField]));

    // Cronos accepts these and just never finds an occurrence; we reject them so the mistake shows at load.
    // With both day fields restricted the weekday alone can fire (every month has every weekday).
    private static string? WhyNeverFires(ulong days, ulong months)
    {
        var firstDay = BitIndexes(days, 1, 31).First();
        var monthList = BitIndexes(months, 1, 12).ToList();
        if (monthList.Any(month => firstDay <= DateTime.DaysInMonth(2000, month)))
        {
            return null; // 2000 is a leap year: February has 29 days
        }

        return $"{CronField.DayOfMonth.Where}: day {string.Join(",", BitIndexes(days, 1, 31))} never occurs in " +
            $"{string.Join(",", monthList.Select(m => CronField.Month.Names![m - 1]))}, so the expression would never fire";
    }

    private static IEnumerable<int> BitIndexes(ulong bits, int min, int max) =>
        Enumerable.Range(min, max - min + 1).Where(i => (bits & (1UL << i)) != 0);
}
