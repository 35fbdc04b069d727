using Syncplane.Scheduling;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Scheduling;

/// <summary>2026: Europe/Berlin springs forward 29 March 02:00→03:00 and falls back 25 October 03:00→02:00;
/// America/New_York springs forward 8 March 02:00→03:00 and falls back 1 November 02:00→01:00.</summary>
public class DaylightSavingTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    /// <summary>Drives a schedule the way a scheduler would: a fake clock advanced to each due time.</summary>
    private static List<DateTimeOffset> Fire(string expression, TimeZoneInfo zone, DateTimeOffset start, int count)
    {
        var clock = new FakeTimeProvider(start) { LocalZone = zone };
        var schedule = Schedule.Parse(expression, clock.LocalTimeZone);
        var fired = new List<DateTimeOffset>();
        DateTimeOffset? last = null;
        while (fired.Count < count && schedule.NextDue(last, clock.GetUtcNow()) is { } due)
        {
            Assert.True(due > clock.GetUtcNow() || last is null, $"{due:O} is not after {clock.GetUtcNow():O}");
            clock.Advance(due - clock.GetUtcNow());
            fired.Add(clock.GetUtcNow());
            last = due;
        }

        return fired;
    }

    [Fact]
    public void Berlin_SpringForward_SkippedTimeFiresWhenTheGapEnds() =>
        Assert.Equal(
            [Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 30, 0, 30)], // 02:30 CET, 03:00 CEST, 02:30 CEST
            Fire("30 2 * * *", Berlin, Utc(2026, 3, 28, 0), 3));

    [Fact]
    public void Berlin_SpringForward_EveryFifteenMinutes_FiresOnceForTheWholeGap() =>
        Assert.Equal(
            [Utc(2026, 3, 29, 0, 30), Utc(2026, 3, 29, 0, 45), Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 29, 1, 15)], // 01:30, 01:45 CET, 03:00, 03:15 CEST
            Fire("*/15 * * * *", Berlin, Utc(2026, 3, 29, 0, 20), 4));

    [Fact]
    public void Berlin_FallBack_SpecificHourFiresOnce() =>
        Assert.Equal(
            [Utc(2026, 10, 24, 0, 30), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 26, 1, 30)], // 02:30 CEST, 02:30 CEST (first pass), 02:30 CET
            Fire("30 2 * * *", Berlin, Utc(2026, 10, 23, 23), 3));

    [Fact]
    public void Berlin_FallBack_EveryHourExpressionKeepsItsRhythmThroughBothPasses() =>
        Assert.Equal(
            [Utc(2026, 10, 24, 23, 30), Utc(2026, 10, 25, 0, 0), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 0), Utc(2026, 10, 25, 1, 30), Utc(2026, 10, 25, 2, 0)],
            Fire("*/30 * * * *", Berlin, Utc(2026, 10, 24, 23, 10), 6));

    [Fact]
    public void NewYork_SpringForward_TwoAmRunsAtThreeAm() =>
        Assert.Equal(
            [Utc(2026, 3, 7, 7), Utc(2026, 3, 8, 7), Utc(2026, 3, 9, 6)], // 02:00 EST, 03:00 EDT (02:00 never happened), 02:00 EDT
            Fire("0 2 * * *", NewYork, Utc(2026, 3, 7, 0), 3));

    [Fact]
    public void NewYork_FallBack_RepeatedOneAmFiresOnce() =>
        Assert.Equal(
            [Utc(2026, 10, 31, 5, 15), Utc(2026, 11, 1, 5, 15), Utc(2026, 11, 2, 6, 15)], // 01:15 EDT, 01:15 EDT (first pass), 01:15 EST
            Fire("15 1 * * *", NewYork, Utc(2026, 10, 31, 0), 3));

    [Fact]
    public void NewYork_FallBack_StartingInTheSecondPass_DoesNotRepeatASpecificTime() =>
        Assert.Equal(
            [Utc(2026, 11, 2, 6, 15)], // 01:15 EST on the next day; 01:15 today already fired at 05:15 UTC (EDT)
            Fire("15 1 * * *", NewYork, Utc(2026, 11, 1, 6, 10), 1));

    [Fact]
    public void NewYork_FallBack_HourlyCronFiresEachElapsedHour() =>
        Assert.Equal(
            [Utc(2026, 11, 1, 5), Utc(2026, 11, 1, 6), Utc(2026, 11, 1, 7)], // 01:00 EDT, 01:00 EST, 02:00 EST
            Fire("@hourly", NewYork, Utc(2026, 11, 1, 4, 30), 3));

    [Fact]
    public void NewYork_FallBack_SecondPassIsFoundFromTheFirstPass() =>
        Assert.Equal(
            [Utc(2026, 11, 1, 5, 45), Utc(2026, 11, 1, 6, 0), Utc(2026, 11, 1, 6, 15)], // 01:45 EDT, 01:00 EST, 01:15 EST
            Fire("0/15 * * * *", NewYork, Utc(2026, 11, 1, 5, 31), 3));

    [Fact]
    public void NewYork_FallBack_StepInTheMinutesOfASpecificHour_RunsThatHourOnce() =>
        Assert.Equal(
            [Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 1, 5, 45), Utc(2026, 11, 2, 6, 0)], // 01:30, 01:45 EDT, then 01:00 EST on the next day
            Fire("*/15 1 * * *", NewYork, Utc(2026, 11, 1, 5, 20), 3));

    [Fact]
    public void NewYork_FallBack_HourRange_RunsTheRepeatedHourOnce() =>
        Assert.Equal(
            [Utc(2026, 11, 1, 5), Utc(2026, 11, 1, 7), Utc(2026, 11, 1, 8)], // 01:00 EDT, 02:00 EST, 03:00 EST
            Fire("0 1-3 * * *", NewYork, Utc(2026, 11, 1, 4, 30), 3));

    [Fact]
    public void NewYork_FallBack_EveryHourListed_FiresEachElapsedHourLikeAStar() =>
        Assert.Equal(
            [Utc(2026, 11, 1, 5), Utc(2026, 11, 1, 6), Utc(2026, 11, 1, 7)], // 01:00 EDT, 01:00 EST, 02:00 EST
            Fire("0 " + string.Join(',', Enumerable.Range(0, 24)) + " * * *", NewYork, Utc(2026, 11, 1, 4, 30), 3));

    [Fact]
    public void Interval_IgnoresDaylightSaving() =>
        Assert.Equal(
            [Utc(2026, 3, 28, 23), Utc(2026, 3, 29, 5), Utc(2026, 3, 29, 11)],
            Fire("every 6h", Berlin, Utc(2026, 3, 28, 23), 3));

    [Fact]
    public void Daily_InBerlin_AtMidnightLocal() =>
        Assert.Equal(
            [Utc(2026, 3, 28, 23), Utc(2026, 3, 29, 22)], // midnight CET, midnight CEST
            Fire("@daily", Berlin, Utc(2026, 3, 28, 12), 2));
}
