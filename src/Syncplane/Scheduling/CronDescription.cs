using System.Globalization;
using System.Text.RegularExpressions;

namespace Syncplane.Scheduling;

/// <summary>Short English descriptions of cron expressions for lists and dashboards ("at 09:00 on MON-FRI").</summary>
/// <remarks>Best effort for the common shapes; anything else falls back to naming each field as written.</remarks>
internal static partial class CronDescription
{
    public static string Describe(string expression)
    {
        var f = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 5)
        {
            return expression;
        }

        var (minute, hour, dom, month, dow) = (f[0], f[1], f[2], f[3], f[4]);
        var parts = new List<string> { Time(minute, hour) };
        var dowNamed = Named(dow, CronField.DayOfWeek);
        parts.Add((dom, dow) switch
        {
            ("*", "*") => "every day",
            (_, "*") => $"on day {dom} of the month",
            ("*", _) => $"on {dowNamed}",
            _ when dom.StartsWith('*') || dow.StartsWith('*') => $"on day {dom} of the month if it is {dowNamed}",
            _ => $"on day {dom} of the month and on {dowNamed}",
        });
        if (month != "*")
        {
            parts.Add($"in {Named(month, CronField.Month)}");
        }

        return string.Join(' ', parts);
    }

    private static string Time(string minute, string hour)
    {
        var m = Number(minute);
        var hours = hour.Split(',').Select(Number).ToList();
        if (m >= 0 && hours.All(h => h >= 0))
        {
            return "at " + string.Join(", ", hours.Select(h => $"{h:00}:{m:00}"));
        }

        var everyMinutes = minute == "*" ? "every minute" : minute.StartsWith("*/", StringComparison.Ordinal) ? $"every {minute[2..]} minutes" : null;
        return (everyMinutes, hour) switch
        {
            ({ } every, "*") => every,
            ({ } every, _) => $"{every} during hour {hour}",
            (null, "*") when m >= 0 => $"at minute {m} of every hour",
            (null, _) when m >= 0 && hour.StartsWith("*/", StringComparison.Ordinal) => $"at minute {m} of every {hour[2..]}th hour",
            _ => $"at minute {minute} of hour {hour}",
        };
    }

    private static int Number(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;

    /// <summary>Spells numbers in a month or day-of-week field as names: 1-5 → MON-FRI.</summary>
    private static string Named(string field, CronField kind) =>
        NumberRegex().Replace(field.ToUpperInvariant(), match =>
        {
            // A step ("*/2") is a count, not a value.
            if (match.Index > 0 && field[match.Index - 1] == '/')
            {
                return match.Value;
            }

            var value = int.Parse(match.Value, CultureInfo.InvariantCulture);
            var index = kind == CronField.DayOfWeek ? value % 7 : value - kind.Min;
            return index >= 0 && index < kind.Names!.Length ? kind.Names[index] : match.Value;
        });

    [GeneratedRegex(@"\d+")]
    private static partial Regex NumberRegex();
}
