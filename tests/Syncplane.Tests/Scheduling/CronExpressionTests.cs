using Syncplane.Scheduling;

namespace Syncplane.Tests.Scheduling;

public class CronExpressionTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static List<DateTimeOffset> Occurrences(string expression, DateTimeOffset after, int count, string zone = "UTC")
    {
        var schedule = Schedule.Parse(expression, TimeZoneInfo.FindSystemTimeZoneById(zone));
        var result = new List<DateTimeOffset>();
        DateTimeOffset? last = after;
        for (var i = 0; i < count && schedule.NextDue(last, after) is { } next; i++)
        {
            result.Add(next);
            last = next;
        }

        return result;
    }

    [Fact]
    public void GetNextOccurrence_AskedAgain_InAnotherZone_OrFromAnotherInstant_AnswersAsAnExpressionAskedOnce()
    {
        // One expression serves every target written with it, so the same question comes many times in a row, between others.
        var shared = CronExpression.Parse("30 2 * * *");
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var after = Utc(2026, 3, 28, 12);
        var questions = new (DateTimeOffset After, TimeZoneInfo Zone)[]
        {
            (after, TimeZoneInfo.Utc), (after, TimeZoneInfo.Utc), (after, berlin), (after, berlin), (after.ToOffset(TimeSpan.FromHours(2)), berlin),
            (after.AddMinutes(1), berlin), (after, TimeZoneInfo.Utc), (Utc(2026, 10, 24, 12), berlin), (Utc(2026, 10, 24, 12), berlin),
        };

        var answers = questions.Select(q => shared.GetNextOccurrence(q.After, q.Zone)).ToList();

        Assert.Equal(questions.Select(q => CronExpression.Parse("30 2 * * *").GetNextOccurrence(q.After, q.Zone)), answers);
        Assert.Equal(Utc(2026, 3, 29, 1), answers[2]); // 02:30 is skipped in Berlin that night: it fires as the gap ends, 03:00 CEST
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)), answers[7]); // the first pass of the repeated hour
    }

    [Theory]
    [InlineData("*/15 * * * *", "0,15,30,45")]
    [InlineData("1-30/5 * * * *", "1,6,11,16,21,26")]
    [InlineData("5/20 * * * *", "5,25,45")]
    [InlineData("0,7,59 * * * *", "0,7,59")]
    [InlineData("10-12,50-59/3 * * * *", "10,11,12,50,53,56,59")]
    public void Matches_MinuteFieldForms(string expression, string minutes)
    {
        var cron = CronExpression.Parse(expression);
        var expected = minutes.Split(',').Select(int.Parse).ToHashSet();

        for (var minute = 0; minute < 60; minute++)
        {
            Assert.Equal(expected.Contains(minute), cron.Matches(new DateTime(2026, 5, 5, 13, minute, 0)));
        }
    }

    [Fact]
    public void Matches_NamesInAnyCaseAndSundayAsZeroOrSeven()
    {
        var weekdays = CronExpression.Parse("0 9 * jan-MAR,Dec mon-fri");
        var sunday0 = CronExpression.Parse("0 0 * * 0");
        var sunday7 = CronExpression.Parse("0 0 * * 7");
        var fridayToSunday = CronExpression.Parse("0 0 * * 5-7");

        Assert.True(weekdays.Matches(new DateTime(2026, 1, 5, 9, 0, 0)));   // Monday in January
        Assert.False(weekdays.Matches(new DateTime(2026, 1, 4, 9, 0, 0)));  // Sunday
        Assert.False(weekdays.Matches(new DateTime(2026, 4, 6, 9, 0, 0)));  // Monday in April
        Assert.True(weekdays.Matches(new DateTime(2026, 12, 4, 9, 0, 0)));  // Friday in December
        Assert.True(sunday0.Matches(new DateTime(2026, 3, 1)));
        Assert.True(sunday7.Matches(new DateTime(2026, 3, 1)));
        Assert.False(sunday7.Matches(new DateTime(2026, 3, 2)));
        Assert.Equal(
            [DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday],
            Enumerable.Range(2, 7).Select(d => new DateTime(2026, 3, d)).Where(fridayToSunday.Matches).Select(d => d.DayOfWeek));
    }

    [Fact]
    public void DayFields_BothRestricted_EitherMatches_OtherwiseBoth()
    {
        // Vixie cron: "1st of the month or any Monday".
        Assert.Equal(
            [Utc(2026, 6, 1), Utc(2026, 6, 8), Utc(2026, 6, 15), Utc(2026, 6, 22), Utc(2026, 6, 29), Utc(2026, 7, 1), Utc(2026, 7, 6)],
            Occurrences("0 0 1 * MON", Utc(2026, 5, 31), 7));

        // A day-of-month starting with '*' is not a restriction in Vixie's sense: both must hold.
        Assert.Equal([Utc(2026, 6, 1), Utc(2026, 6, 15), Utc(2026, 6, 29)], Occurrences("0 0 */2 * MON", Utc(2026, 5, 31), 3));
    }

    [Fact]
    public void NextDue_IsStrictlyAfterTheReference()
    {
        Assert.Equal([Utc(2026, 1, 1, 0, 15)], Occurrences("*/15 * * * *", Utc(2026, 1, 1), 1));
        Assert.Equal([Utc(2026, 1, 1, 0, 15)], Occurrences("*/15 * * * *", Utc(2026, 1, 1).AddSeconds(59), 1));
        Assert.Equal([Utc(2026, 1, 1, 0, 1)], Occurrences("* * * * *", Utc(2026, 1, 1).AddTicks(1), 1));
    }

    [Fact]
    public void NextDue_NeverRun_CountsFromNow()
    {
        var schedule = Schedule.Parse("0 12 * * *");

        Assert.Equal(Utc(2026, 2, 1, 12), schedule.NextDue(null, Utc(2026, 2, 1, 11, 59)));
        Assert.Equal(Utc(2026, 2, 2, 12), schedule.NextDue(null, Utc(2026, 2, 1, 12)));
    }

    [Fact]
    public void NextDue_ThirtyFirst_OnlyInMonthsThatHaveIt() =>
        Assert.Equal(
            [Utc(2026, 1, 31), Utc(2026, 3, 31), Utc(2026, 5, 31), Utc(2026, 7, 31), Utc(2026, 8, 31), Utc(2026, 10, 31), Utc(2026, 12, 31), Utc(2027, 1, 31)],
            Occurrences("0 0 31 * *", Utc(2026, 1, 1), 8));

    [Fact]
    public void NextDue_LeapDay_SkipsToLeapYearsAndCenturyRules()
    {
        Assert.Equal([Utc(2028, 2, 29), Utc(2032, 2, 29)], Occurrences("0 0 29 2 *", Utc(2026, 3, 1), 2));
        Assert.Equal([Utc(2096, 2, 29), Utc(2104, 2, 29)], Occurrences("0 0 29 2 *", Utc(2095, 1, 1), 2)); // 2100 is not a leap year
    }

    [Fact]
    public void NextDue_LeapDayOnASunday_IsFoundDecadesAhead() =>
        Assert.Equal([Utc(2032, 2, 29), Utc(2060, 2, 29)], Occurrences("0 0 29 2 */7", Utc(2026, 1, 1), 2));

    [Fact]
    public void NextDue_LastFiringBeforeYear10000_ThenNull() =>
        Assert.Equal([Utc(9999, 12, 31, 23, 59)], Occurrences("59 23 31 12 *", Utc(9999, 1, 1), 5));

    [Fact]
    public void NextDue_MonthBoundariesAndYearRollover() =>
        Assert.Equal(
            [Utc(2026, 12, 31, 23, 45), Utc(2027, 1, 1, 0, 0), Utc(2027, 1, 1, 0, 15)],
            Occurrences("0,15,45 0,23 1,31 1,12 *", Utc(2026, 12, 31, 23, 30), 3));
}
