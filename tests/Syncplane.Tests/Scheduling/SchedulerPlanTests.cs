using Syncplane.Scheduling;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Scheduling;

public class SchedulerPlanTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Compute_MixedTargets_ReturnsTheDueOnesAndTheEarliestWakeUp()
    {
        var targets = new[]
        {
            new ScheduledTarget("due", Schedule.Parse("every 5m"), Noon - TimeSpan.FromMinutes(10), TimeSpan.Zero),
            new ScheduledTarget("soon", Schedule.Parse("every 5m"), Noon - TimeSpan.FromMinutes(4), TimeSpan.Zero),
            new ScheduledTarget("later", Schedule.Parse("every 1h"), Noon, TimeSpan.Zero),
            new ScheduledTarget("manual", Schedule.Manual),
            new ScheduledTarget("paused", Schedule.Parse("every 1m"), Noon - TimeSpan.FromHours(1), Paused: true),
        };

        var plan = SchedulerPlan.Compute(targets, Noon);

        var due = Assert.Single(plan.Due);
        Assert.Equal(("due", Noon), (due.Target, due.Slot)); // 11:55 and 12:00 both missed: one firing, for 12:00
        Assert.Equal(Noon + TimeSpan.FromMinutes(1), plan.WakeAt);
    }

    [Fact]
    public void Compute_NothingScheduled_HasNoWakeUp() =>
        Assert.Null(SchedulerPlan.Compute([new ScheduledTarget("m", Schedule.Manual)], Noon).WakeAt);

    [Fact]
    public void Compute_FrequencyOverride_ReplacesTheFilesSchedule()
    {
        var daily = Schedule.Parse("daily");
        var overridden = new ScheduledTarget("ads", daily, Noon - TimeSpan.FromMinutes(6), TimeSpan.Zero, FrequencyOverride: Schedule.Parse("5min"));
        var stopped = overridden with { FrequencyOverride = Schedule.Manual };

        Assert.Single(SchedulerPlan.Compute([overridden], Noon).Due);
        Assert.Empty(SchedulerPlan.Compute([overridden with { FrequencyOverride = null }], Noon).Due);
        Assert.Null(SchedulerPlan.Compute([stopped], Noon).WakeAt);
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("every 5m")]
    public void Compute_TenThousandTargetsOnOneSchedule_SpreadOverTheJitterWindow(string expression)
    {
        var schedule = Schedule.Parse(expression);
        var targets = Enumerable.Range(0, 10_000).Select(i => new ScheduledTarget($"target-{i:D5}", schedule, Noon)).ToList();
        var slot = Noon + TimeSpan.FromMinutes(5);
        var window = ScheduleJitter.Window(schedule, null);

        var plan = SchedulerPlan.Compute(targets, slot + window);
        Assert.Equal(10_000, plan.Due.Count);
        Assert.All(plan.Due, f => Assert.Equal(slot, f.Slot));
        var perSecond = plan.Due.GroupBy(f => (int)(f.FireAt - slot).TotalSeconds).ToDictionary(g => g.Key, g => g.Count());

        // 30 one-second buckets: an even spread puts ~333 (3.3%) in each; without jitter one bucket holds all 10,000.
        Assert.Equal(30, perSecond.Count);
        Assert.All(perSecond.Keys, second => Assert.InRange(second, 0, 29));
        Assert.True(perSecond.Values.Max() <= 420, $"busiest second holds {perSecond.Values.Max()} of 10,000 firings");
        Assert.True(perSecond.Values.Min() >= 250, $"quietest second holds {perSecond.Values.Min()} of 10,000 firings");
    }

    [Fact]
    public void Compute_SchedulerSleepingUntilWakeAt_FiresEverySlotOnceAndOnTime()
    {
        var clock = new FakeTimeProvider(Noon);
        var targets = Enumerable.Range(0, 200).Select(i => new ScheduledTarget($"t{i}", Schedule.Parse(i % 2 == 0 ? "every 5m" : "*/10 * * * *"), Noon)).ToList();
        var fired = new List<(DueFiring Firing, DateTimeOffset At)>();
        var wakeUps = 0;
        var end = Noon + TimeSpan.FromHours(1);

        while (clock.GetUtcNow() < end)
        {
            var plan = SchedulerPlan.Compute(targets, clock.GetUtcNow());
            foreach (var firing in plan.Due)
            {
                fired.Add((firing, clock.GetUtcNow()));
                var i = targets.FindIndex(t => t.Name == firing.Target);
                targets[i] = targets[i] with { LastSlot = firing.Slot };
            }

            Assert.NotNull(plan.WakeAt);
            Assert.True(plan.WakeAt > clock.GetUtcNow());
            clock.Advance(plan.WakeAt!.Value - clock.GetUtcNow());
            wakeUps++;
        }

        Assert.All(fired, f => Assert.Equal(f.Firing.FireAt, f.At)); // never late, never early
        Assert.Equal(fired.Count, fired.Select(f => (f.Firing.Target, f.Firing.Slot)).Distinct().Count());
        var inHour = fired.Where(f => f.Firing.Slot < end).ToList();
        Assert.Equal((100 * 11) + (100 * 5), inHour.Count); // 12:05..12:55 every 5 minutes, 12:10..12:50 every 10
        Assert.True(wakeUps < fired.Count + 2, "the scheduler only wakes when something is due");
    }
}
