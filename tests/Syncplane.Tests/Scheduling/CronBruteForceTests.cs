using Syncplane.Scheduling;

namespace Syncplane.Tests.Scheduling;

/// <summary>
/// Property test: for a few hundred random expressions, zones and start times, the field-jumping
/// <see cref="Schedule.NextDue"/> agrees with a minute-by-minute scan of real instants. The scan
/// knows the expected value sets from the generator, not from the parser under test.
/// </summary>
public class CronBruteForceTests
{
    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"];
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    [Fact]
    public void NextDue_AgreesWithAMinuteScan_ForRandomExpressions()
    {
        var random = new Random(20261122);
        var year = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 300; i++)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(Zones[random.Next(Zones.Length)]);
            var spec = RandomSpec(random);
            var schedule = Schedule.Parse(spec.Text, zone);

            // Half of the starts sit within hours of a clock change, where the interesting cases are.
            var transitions = Transitions(zone, year);
            var start = transitions.Count > 0 && random.Next(2) == 0
                ? transitions[random.Next(transitions.Count)].AddMinutes(random.Next(-6 * 60, 3 * 60)).AddSeconds(random.Next(60))
                : year.AddMinutes(random.Next(365 * 24 * 60)).AddSeconds(random.Next(60));

            var reference = start;
            for (var k = 0; k < 3; k++)
            {
                var expected = Scan(spec, zone, reference, reference.AddYears(1));
                var actual = schedule.NextDue(reference, start);
                if (expected is null)
                {
                    Assert.True(actual is null || actual > reference.AddYears(1), $"{spec.Text} in {zone.Id} after {reference:O}: got {actual:O}, scan found none within a year");
                    break;
                }

                Assert.True(expected == actual, $"{spec.Text} in {zone.Id} after {reference:O}: expected {expected:O}, got {actual:O}");
                reference = expected.Value;
            }
        }
    }

    private static DateTimeOffset? Scan(Spec spec, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset until)
    {
        var minute = new DateTimeOffset(after.UtcTicks - (after.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
        var previous = TimeZoneInfo.ConvertTime(minute.AddMinutes(-1), zone).DateTime;
        for (; minute <= until; minute = minute.AddMinutes(1))
        {
            var local = TimeZoneInfo.ConvertTime(minute, zone);
            var wall = local.DateTime;

            // Clocks jumped forward: wall times in the gap fire at the first instant after it.
            for (var skipped = previous.AddMinutes(1); skipped < wall; skipped = skipped.AddMinutes(1))
            {
                if (spec.Matches(skipped))
                {
                    return minute;
                }
            }

            previous = wall;
            var secondPass = zone.IsAmbiguousTime(local) && local.Offset == zone.GetAmbiguousTimeOffsets(local).Min();
            if (spec.Matches(wall) && (!secondPass || spec.Hours.Count == 24))
            {
                return minute;
            }
        }

        return null;
    }

    private static List<DateTimeOffset> Transitions(TimeZoneInfo zone, DateTimeOffset year)
    {
        var result = new List<DateTimeOffset>();
        for (var hour = year; hour < year.AddYears(1); hour = hour.AddHours(1))
        {
            if (zone.GetUtcOffset(hour) != zone.GetUtcOffset(hour.AddHours(1)))
            {
                result.Add(hour.AddHours(1));
            }
        }

        return result;
    }

    private static Spec RandomSpec(Random random)
    {
        var (minuteText, minutes) = Field(random, 0, 59, null, 0.2);
        var (hourText, hours) = Field(random, 0, 23, null, 0.5);
        var (domText, doms) = Field(random, 1, 31, null, 0.7);
        var (monthText, months) = Field(random, 1, 12, Months, 0.8);
        var (dowText, dows) = Field(random, 0, 7, Days, 0.7);
        if (dows.Remove(7))
        {
            dows.Add(0);
        }

        var text = $"{minuteText} {hourText} {domText} {monthText} {dowText}";
        return CronExpression.TryParse(text, out _, out _)
            ? new Spec(text, minutes, hours, doms, months, dows, domText.StartsWith('*') || dowText.StartsWith('*'))
            : RandomSpec(random); // e.g. day 31 in a 30-day month only: never fires, rejected at parse
    }

    private static (string Text, HashSet<int> Values) Field(Random random, int min, int max, string[]? names, double starChance)
    {
        string Name(int v) => names is not null && v - min < names.Length && random.Next(3) == 0 ? names[v - min] : v.ToString(null, null);
        if (random.NextDouble() < starChance)
        {
            var step = random.Next(4) == 0 ? random.Next(2, Math.Max(3, (max - min) / 2)) : 1;
            return (step == 1 ? "*" : $"*/{step}", Range(min, max, step));
        }

        var items = new List<string>();
        var values = new HashSet<int>();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var a = random.Next(min, max + 1);
            var b = random.Next(a, max + 1);
            switch (random.Next(4))
            {
                case 0:
                    items.Add(Name(a));
                    values.Add(a);
                    break;
                case 1:
                    items.Add($"{Name(a)}-{Name(b)}");
                    values.UnionWith(Range(a, b, 1));
                    break;
                case 2:
                    var step = random.Next(1, max - min);
                    items.Add($"{Name(a)}-{Name(b)}/{step}");
                    values.UnionWith(Range(a, b, step));
                    break;
                default:
                    var step2 = random.Next(1, max - min);
                    items.Add($"{a}/{step2}");
                    values.UnionWith(Range(a, max, step2));
                    break;
            }
        }

        return (string.Join(',', items), values);
    }

    private static HashSet<int> Range(int from, int to, int step) =>
        [.. Enumerable.Range(0, ((to - from) / step) + 1).Select(i => from + (i * step))];

    private sealed record Spec(string Text, HashSet<int> Minutes, HashSet<int> Hours, HashSet<int> Doms, HashSet<int> Months, HashSet<int> Dows, bool DaysIntersect)
    {
        public bool Matches(DateTime t)
        {
            var dom = Doms.Contains(t.Day);
            var dow = Dows.Contains((int)t.DayOfWeek);
            return Minutes.Contains(t.Minute) && Hours.Contains(t.Hour) && Months.Contains(t.Month) && (DaysIntersect ? dom && dow : dom || dow);
        }
    }
}
