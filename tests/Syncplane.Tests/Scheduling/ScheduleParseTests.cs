using Syncplane.Scheduling;

namespace Syncplane.Tests.Scheduling;

public class ScheduleParseTests
{
    [Theory]
    [InlineData("realtime", 30)]
    [InlineData("5min", 300)]
    [InlineData("10min", 600)]
    [InlineData("30min", 1800)]
    [InlineData("hourly", 3600)]
    [InlineData("daily", 86400)]
    [InlineData("every 6h", 21600)]
    [InlineData("every: 6h", 21600)]
    [InlineData("every:90m", 5400)]
    [InlineData("every 1h30m", 5400)]
    [InlineData("EVERY 1d", 86400)]
    public void TryParse_IntervalPresetsAndEvery_AreIntervals(string text, int seconds)
    {
        Assert.True(Schedule.TryParse(text, null, out var schedule, out var error), error);

        Assert.Null(error);
        Assert.Equal(ScheduleKind.Interval, schedule.Kind);
        Assert.Equal(TimeSpan.FromSeconds(seconds), schedule.Interval);
        Assert.Equal(text, schedule.Text);
    }

    [Fact]
    public void TryParse_Manual_IsNeverDue()
    {
        Assert.True(Schedule.TryParse("manual", null, out var schedule, out _));

        Assert.Equal(ScheduleKind.Manual, schedule.Kind);
        Assert.Null(schedule.NextDue(null, DateTimeOffset.UnixEpoch));
        Assert.Null(schedule.NextDue(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1)));
    }

    [Theory]
    [InlineData("@hourly", "0 * * * *")]
    [InlineData("@daily", "0 0 * * *")]
    [InlineData("@midnight", "0 0 * * *")]
    [InlineData("@weekly", "0 0 * * 0")]
    [InlineData("@monthly", "0 0 1 * *")]
    [InlineData("@yearly", "0 0 1 1 *")]
    [InlineData("@annually", "0 0 1 1 *")]
    public void TryParse_Macros_AreCron(string text, string expression)
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.True(Schedule.TryParse(text, berlin, out var schedule, out _));

        Assert.Equal(ScheduleKind.Cron, schedule.Kind);
        Assert.Equal(expression, schedule.CronExpression?.Text);
        Assert.Same(berlin, schedule.TimeZone);
        Assert.Equal(text, schedule.Text);
    }

    [Theory]
    [InlineData("Realtime", "realtime", 30)]
    [InlineData("REALTIME", "realtime", 30)]
    [InlineData(" Daily ", "daily", 86400)]
    [InlineData("30MIN", "30min", 1800)]
    [InlineData("Manual", "manual", null)]
    [InlineData("@Daily", "@daily", null)]
    public void TryParse_PresetsInAnyCase_AreNormalisedToTheCanonicalSpelling(string text, string canonical, int? seconds)
    {
        Assert.True(Schedule.TryParse(text, null, out var schedule, out var error), error);

        Assert.Equal(canonical, schedule.Text);
        Assert.Equal(seconds, (int?)schedule.Interval?.TotalSeconds);
    }

    [Fact]
    public void TryParse_Cron_KeepsTextAndDefaultsToUtc()
    {
        Assert.True(Schedule.TryParse("  0 */6 * * *", null, out var schedule, out _));

        Assert.Equal(ScheduleKind.Cron, schedule.Kind);
        Assert.Equal("  0 */6 * * *", schedule.Text);
        Assert.Equal(TimeZoneInfo.Utc, schedule.TimeZone);
        Assert.Equal("at minute 0 of every 6th hour every day (UTC)", schedule.ToString());
    }

    [Theory]
    [InlineData("30 2 * * *", "at 02:30 every day")]
    [InlineData("0 9,17 * * 1-5", "at 09:00, 17:00 on MON-FRI")]
    [InlineData("*/15 * * * *", "every 15 minutes every day")]
    [InlineData("* * * * *", "every minute every day")]
    [InlineData("0 0 1 * *", "at 00:00 on day 1 of the month")]
    [InlineData("0 0 29 2 *", "at 00:00 on day 29 of the month in FEB")]
    [InlineData("0 0 1 * 0", "at 00:00 on day 1 of the month and on SUN")]
    [InlineData("0 0 */2 * 7", "at 00:00 on day */2 of the month if it is SUN")]
    [InlineData("5 * * 1-3/2 *", "at minute 5 of every hour every day in JAN-MAR/2")]
    [InlineData("1-5 8-9 * * *", "at minute 1-5 of hour 8-9 every day")]
    public void ToString_DescribesCronInWords(string expression, string description) =>
        Assert.Equal($"{description} (Europe/Berlin)", Schedule.Parse(expression, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).ToString());

    [Theory]
    [InlineData("0 25 * * *", "field 2 (hour): 25 is out of range 0-23")]
    [InlineData("60 * * * *", "field 1 (minute): 60 is out of range 0-59")]
    [InlineData("0 0 0 * *", "field 3 (day-of-month): 0 is out of range 1-31")]
    [InlineData("0 0 * 13 *", "field 4 (month): 13 is out of range 1-12")]
    [InlineData("0 0 * * 8", "field 5 (day-of-week): 8 is out of range 0-7")]
    [InlineData("0 0 * FOO *", "field 4 (month): 'FOO' is not a number or a name (JAN-DEC)")]
    [InlineData("0 0 * * MONDAY", "field 5 (day-of-week): 'MONDAY' is not a number or a name (SUN-SAT)")]
    [InlineData("x * * * *", "field 1 (minute): 'x' is not a number")]
    [InlineData("*/0 * * * *", "field 1 (minute): step '0' in '*/0' is not a whole number of at least 1")]
    [InlineData("*/90 * * * *", "field 1 (minute): step 90 in '*/90' is larger than the field's range 0-59; for intervals like 90 minutes use 'every 90m'")]
    [InlineData("0 17-9 * * *", "field 2 (hour): range '17-9' runs backwards; write the smaller value first")]
    [InlineData("0 1,,2 * * *", "field 2 (hour): empty item in the list '1,,2'")]
    [InlineData("0 0 * *", "a cron expression has 5 fields (minute hour day-of-month month day-of-week), '0 0 * *' has 4")]
    [InlineData("0 0 * * * *", "a cron expression has 5 fields (minute hour day-of-month month day-of-week), '0 0 * * * *' has 6")]
    [InlineData("0 0 30 2 *", "field 3 (day-of-month): day 30 never occurs in FEB, so the expression would never fire")]
    [InlineData("0 0 31 4,6,9,11 *", "field 3 (day-of-month): day 31 never occurs in APR,JUN,SEP,NOV, so the expression would never fire")]
    [InlineData("every banana", "'every' needs a duration such as 30s, 5m, 6h or 1d, not 'banana'")]
    [InlineData("every 500ms", "'every 500ms' is too often: the shortest interval is 1s")]
    [InlineData("@fortnightly", "unknown macro '@fortnightly': use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually")]
    public void TryParse_BadText_SaysWhatAndWhere(string text, string expected)
    {
        Assert.False(Schedule.TryParse(text, null, out var schedule, out var error));

        Assert.Equal(expected, error);
        Assert.Same(Schedule.Manual, schedule);
    }

    [Theory]
    [InlineData("weekly")]
    [InlineData("")]
    [InlineData("sometimes")]
    public void TryParse_UnknownWord_ListsWhatIsAccepted(string text)
    {
        Assert.False(Schedule.TryParse(text, null, out _, out var error));

        Assert.StartsWith($"'{text}' is not a schedule: use manual, realtime, 5min", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadText_ThrowsFormatException() =>
        Assert.Equal("field 2 (hour): 25 is out of range 0-23", Assert.Throws<FormatException>(() => Schedule.Parse("0 25 * * *")).Message);

    [Fact]
    public void NextDue_Interval_IsLastPlusIntervalOrNowWhenNeverRun()
    {
        var schedule = Schedule.Every(TimeSpan.FromHours(6));
        var now = new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.Zero);

        Assert.Equal(now, schedule.NextDue(null, now));
        Assert.Equal(now.AddHours(6), schedule.NextDue(now, now));
        Assert.Equal(now.AddHours(-1), schedule.NextDue(now.AddHours(-7), now)); // overdue stays overdue
        Assert.Equal("every 6h", schedule.ToString());
    }
}
