using Syncplane.Scheduling;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Scheduling;

public class DueCalculatorTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Fact]
    public void Next_ManualSchedule_NeverFires() =>
        Assert.Null(DueCalculator.Next(Schedule.Manual, "docs", Utc(2026, 1, 1), Utc(2030, 1, 1)));

    [Fact]
    public void Next_IntervalAfterLastSlot_FiresOneIntervalLaterPlusTheTargetsOffset()
    {
        var schedule = Schedule.Parse("every 5m");
        var next = DueCalculator.Next(schedule, "docs", Utc(2026, 1, 1, 12), Utc(2026, 1, 1, 12, 1))!.Value;

        Assert.Equal(Utc(2026, 1, 1, 12, 5), next.Slot);
        Assert.Equal(ScheduleJitter.Offset("docs", TimeSpan.FromSeconds(30)), next.FireAt - next.Slot);
        Assert.InRange(next.FireAt - next.Slot, TimeSpan.Zero, TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.False(next.IsDue(Utc(2026, 1, 1, 12, 1)));
    }

    [Fact]
    public void Next_SameName_SameOffsetOnEverySlotAndCall()
    {
        var schedule = Schedule.Parse("*/5 * * * *");
        var a = DueCalculator.Next(schedule, "orders", Utc(2026, 5, 1, 8), Utc(2026, 5, 1, 8, 1))!.Value;
        var b = DueCalculator.Next(schedule, "orders", Utc(2026, 5, 1, 8, 5), Utc(2026, 5, 1, 8, 6))!.Value;

        Assert.Equal(a.FireAt - a.Slot, b.FireAt - b.Slot);
        Assert.NotEqual(a.FireAt - a.Slot, DueCalculator.Next(schedule, "orders2", Utc(2026, 5, 1, 8), Utc(2026, 5, 1, 8, 1))!.Value.FireAt - a.Slot);
    }

    [Fact]
    public void Next_IntervalAfterDowntime_CollapsesMissedSlotsIntoTheLatestOne()
    {
        var schedule = Schedule.Parse("every 5m");
        var next = DueCalculator.Next(schedule, "docs", Utc(2026, 1, 1, 12), Utc(2026, 1, 1, 13, 2), TimeSpan.Zero)!.Value;

        Assert.Equal(Utc(2026, 1, 1, 13, 0), next.Slot); // 12 slots missed, one firing
        Assert.True(next.IsDue(Utc(2026, 1, 1, 13, 2)));

        var after = DueCalculator.Next(schedule, "docs", next.Slot, Utc(2026, 1, 1, 13, 2), TimeSpan.Zero)!.Value;
        Assert.Equal(Utc(2026, 1, 1, 13, 5), after.Slot);
        Assert.False(after.IsDue(Utc(2026, 1, 1, 13, 2)));
    }

    [Fact]
    public void Next_MissedSlotWhoseJitteredTimeHasNotCome_IsNotSkippedPast()
    {
        var schedule = Schedule.Parse("every 1h");
        var offset = ScheduleJitter.Offset("docs", TimeSpan.FromMinutes(5));
        var now = Utc(2026, 1, 1, 15) + offset - TimeSpan.FromMilliseconds(1); // 15:00 slot exists but its firing time is 1ms away

        var next = DueCalculator.Next(schedule, "docs", Utc(2026, 1, 1, 10), now)!.Value;

        Assert.Equal(Utc(2026, 1, 1, 14), next.Slot);
        Assert.True(next.IsDue(now));
    }

    [Fact]
    public void Next_CronAfterTenDaysDown_FiresOnceForTheLatestMissedDay()
    {
        var schedule = Schedule.Parse("0 2 * * *", Berlin);
        var next = DueCalculator.Next(schedule, "docs", Utc(2026, 3, 20, 1), Utc(2026, 3, 31, 12), TimeSpan.Zero)!.Value;

        Assert.Equal(Utc(2026, 3, 31, 0), next.Slot); // 02:00 CEST on 31 March
        Assert.True(next.IsDue(Utc(2026, 3, 31, 12)));
    }

    [Fact]
    public void Next_EveryMinuteAfterAYearDown_StillOneFiringAndQuick()
    {
        var schedule = Schedule.Parse("* * * * *");
        var now = Utc(2027, 6, 1, 10, 30, 40);
        var next = DueCalculator.Next(schedule, "docs", Utc(2026, 6, 1), now, TimeSpan.Zero)!.Value;

        Assert.Equal(Utc(2027, 6, 1, 10, 30), next.Slot);
    }

    [Fact]
    public void Next_CronOnThe31st_SkipsShortMonths()
    {
        var schedule = Schedule.Parse("0 0 31 * *");

        Assert.Equal(Utc(2026, 3, 31), DueCalculator.Next(schedule, "docs", Utc(2026, 1, 31), Utc(2026, 2, 1), TimeSpan.Zero)!.Value.Slot);
        Assert.Equal(Utc(2026, 5, 31), DueCalculator.Next(schedule, "docs", Utc(2026, 1, 31), Utc(2026, 6, 15), TimeSpan.Zero)!.Value.Slot);
    }

    [Fact]
    public void Next_CronNeverFired_WaitsForItsFirstOccurrence()
    {
        var schedule = Schedule.Parse("0 6 * * *");
        var next = DueCalculator.Next(schedule, "docs", null, Utc(2026, 2, 28, 7))!.Value;

        Assert.Equal(Utc(2026, 3, 1, 6), next.Slot); // 2026 is not a leap year
        Assert.False(next.IsDue(Utc(2026, 2, 28, 7)));
    }

    [Fact]
    public void Next_CronNeverFired_SchedulerWakingLateWithinTheWindowStillFires()
    {
        var schedule = Schedule.Parse("0 6 * * *");
        var planned = DueCalculator.Next(schedule, "docs", null, Utc(2026, 3, 1, 5))!.Value;
        var late = planned.FireAt + TimeSpan.FromSeconds(2);

        Assert.Equal(planned, DueCalculator.Next(schedule, "docs", null, late));
    }

    [Fact]
    public void Next_IntervalNeverFired_IsDueWithinOneJitterWindow()
    {
        var schedule = Schedule.Parse("every 10m"); // window: 60s
        var now = Utc(2026, 1, 1, 9, 0, 10);
        var next = DueCalculator.Next(schedule, "docs", null, now)!.Value;

        Assert.Equal(Utc(2026, 1, 1, 9), next.Slot);
        Assert.InRange(next.FireAt, next.Slot, next.Slot + TimeSpan.FromSeconds(60));
        var atFire = next.FireAt > now ? next.FireAt : now;
        Assert.True(DueCalculator.Next(schedule, "docs", null, atFire)!.Value.IsDue(atFire));
    }

    [Fact]
    public void Next_JitterOff_FiresExactlyOnTheSlot()
    {
        var next = DueCalculator.Next(Schedule.Parse("*/15 * * * *"), "docs", Utc(2026, 1, 1, 9), Utc(2026, 1, 1, 9, 1), TimeSpan.Zero)!.Value;

        Assert.Equal(next.Slot, next.FireAt);
        Assert.Equal(Utc(2026, 1, 1, 9, 15), next.Slot);
    }

    [Fact]
    public void Next_DrivenAcrossNewYorkFallBack_FiresOncePerDayAtTheSameOffset()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var schedule = Schedule.Parse("30 1 * * *", newYork); // 01:30 happens twice on 1 November 2026
        var clock = new FakeTimeProvider(Utc(2026, 10, 30, 12));
        var fired = new List<DueSlot>();
        DateTimeOffset? last = null;
        while (fired.Count < 4)
        {
            var next = DueCalculator.Next(schedule, "reports", last, clock.GetUtcNow())!.Value;
            if (!next.IsDue(clock.GetUtcNow()))
            {
                clock.Advance(next.FireAt - clock.GetUtcNow());
                continue;
            }

            fired.Add(next);
            last = next.Slot;
        }

        // 01:30 EDT on 31 Oct and 1 Nov (first pass only), then 01:30 EST.
        Assert.Equal([Utc(2026, 10, 31, 5, 30), Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 2, 6, 30), Utc(2026, 11, 3, 6, 30)], fired.Select(f => f.Slot));
        Assert.Single(fired.Select(f => f.FireAt - f.Slot).Distinct());
    }
}
