using Syncplane.Engine;

namespace Syncplane.Tests.Engine;

public sealed class RunWaitsTests
{
    [Fact]
    public async Task DelayUntil_WhenTheTimerFiresEarly_WaitsOnUntilTheTimeIsReached()
    {
        var time = new EarlyTimers(new DateTimeOffset(2026, 12, 6, 17, 54, 0, TimeSpan.Zero), early: TimeSpan.FromMilliseconds(3));
        var until = time.GetUtcNow().AddSeconds(10);

        await RunWaits.DelayUntilAsync(until, time, CancellationToken.None);

        Assert.True(time.GetUtcNow() >= until, $"woke at {time.GetUtcNow():O}, before {until:O}");
        Assert.Equal(2, time.Timers); // 10 s minus the 3 ms the timer fired early, then the rest
    }

    /// <summary>A clock whose timers fire <c>early</c> before their due time (as coarse-clock timers do), moving the clock to that instant.</summary>
    private sealed class EarlyTimers(DateTimeOffset start, TimeSpan early) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public int Timers { get; private set; }

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Timers++;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _now += dueTime > early ? dueTime - early : dueTime;
                ThreadPool.QueueUserWorkItem(_ => callback(state));
            }

            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
