using Syncplane.Scheduling;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Scheduling;

public class DueQueueTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateTimeOffset Start = new(2026, 3, 28, 22, 0, 0, TimeSpan.Zero); // the night Berlin springs forward

    [Fact]
    public void TakeDue_DrivenByAFakeClock_FiresExactlyWhatSchedulerPlanFires()
    {
        string[] schedules = ["every 5m", "*/10 * * * *", "30 2 * * *", "realtime", "0 * * * *", "manual", "every 7m"];
        var random = new Random(7);
        var targets = Enumerable.Range(0, 100)
            .Select(i => new ScheduledTarget($"t{i}", Schedule.Parse(schedules[i % schedules.Length], Berlin), random.Next(3) == 0 ? null : Start - TimeSpan.FromMinutes(random.Next(0, 90))))
            .ToList();
        var clock = new FakeTimeProvider(Start);
        var queue = new DueQueue();
        targets.ForEach(t => queue.Set(t, clock.GetUtcNow()));
        var planned = targets.ToDictionary(t => t.Name);
        var end = Start + TimeSpan.FromHours(4); // across the 01:00Z jump

        while (clock.GetUtcNow() < end)
        {
            var now = clock.GetUtcNow();
            var plan = SchedulerPlan.Compute(planned.Values, now);
            var taken = queue.TakeDue(now);

            Assert.Equal(plan.Due.OrderBy(f => f.Target, StringComparer.Ordinal), taken.OrderBy(f => f.Target, StringComparer.Ordinal));
            foreach (var firing in plan.Due)
            {
                planned[firing.Target] = planned[firing.Target] with { LastSlot = firing.Slot };
            }

            var after = SchedulerPlan.Compute(planned.Values, now);
            Assert.Equal(after.WakeAt, queue.WakeAt);
            clock.Advance(queue.WakeAt!.Value - now);
        }
    }

    [Fact]
    public void TakeDue_HundredThousandTargets_EachFiresOncePerSlotWithFewWakeUps()
    {
        var schedule = Schedule.Parse("every 5m");
        var origin = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var queue = new DueQueue();
        for (var i = 0; i < 100_000; i++)
        {
            queue.Set(new ScheduledTarget($"target-{i}", schedule, origin), origin);
        }

        var clock = new FakeTimeProvider(origin);
        var firings = new Dictionary<string, int>(StringComparer.Ordinal);
        var wakeUps = 0;
        var end = origin + TimeSpan.FromMinutes(10) + ScheduleJitter.Window(schedule, null);
        while (queue.WakeAt is { } wake && wake <= end)
        {
            clock.Advance(wake - clock.GetUtcNow());
            wakeUps++;
            foreach (var firing in queue.TakeDue(clock.GetUtcNow()))
            {
                Assert.Equal(clock.GetUtcNow(), firing.FireAt);
                firings[firing.Target] = firings.GetValueOrDefault(firing.Target) + 1;
            }
        }

        Assert.Equal(100_000, firings.Count);
        Assert.All(firings.Values, n => Assert.Equal(2, n)); // 12:05 and 12:10
        Assert.True(wakeUps <= 2 * 30_000, $"{wakeUps} wake-ups: one per distinct millisecond offset at most");
    }

    [Fact]
    public void Set_PausedThenResumed_LeavesAndRejoinsTheTimeline()
    {
        var origin = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var target = new ScheduledTarget("a", Schedule.Parse("every 1m"), origin, TimeSpan.Zero);
        var queue = new DueQueue();
        queue.Set(target with { Paused = true }, origin);

        Assert.Null(queue.WakeAt);
        Assert.Empty(queue.TakeDue(origin + TimeSpan.FromHours(1)));

        queue.Set(target, origin + TimeSpan.FromHours(1));
        var firing = Assert.Single(queue.TakeDue(origin + TimeSpan.FromHours(1)));
        Assert.Equal(origin + TimeSpan.FromHours(1), firing.Slot); // 60 missed slots, one firing
        Assert.Equal(origin + TimeSpan.FromHours(1), queue.Get("a")!.LastSlot);
    }

    [Fact]
    public void Remove_Target_NeverFiresAgain()
    {
        var origin = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var queue = new DueQueue();
        queue.Set(new ScheduledTarget("a", Schedule.Parse("every 1m"), origin), origin);

        Assert.True(queue.Remove("a"));
        Assert.Null(queue.WakeAt);
        Assert.Empty(queue.TakeDue(origin + TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Set_ReplacedManyTimes_KeepsOneLiveFiringPerTarget()
    {
        var origin = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var queue = new DueQueue();
        for (var reload = 0; reload < 50; reload++)
        {
            for (var i = 0; i < 100; i++)
            {
                queue.Set(new ScheduledTarget($"t{i}", Schedule.Parse($"every {(reload % 5) + 1}m"), origin, TimeSpan.Zero), origin);
            }
        }

        var due = queue.TakeDue(origin + TimeSpan.FromMinutes(5)); // last reload: every 5m

        Assert.Equal(100, due.Count);
        Assert.All(due, f => Assert.Equal(origin + TimeSpan.FromMinutes(5), f.Slot));
    }
}
