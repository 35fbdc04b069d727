namespace Syncplane.Tests.Support;

public class SteppingTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Advance_FiresDueTimersInOrderAtTheirDueTime()
    {
        var clock = new SteppingTimeProvider(Start);
        var fired = new List<(string, DateTimeOffset)>();
        using var late = clock.CreateTimer(_ => fired.Add(("late", clock.GetUtcNow())), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
        using var periodic = clock.CreateTimer(_ => fired.Add(("tick", clock.GetUtcNow())), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        using var never = clock.CreateTimer(_ => fired.Add(("never", clock.GetUtcNow())), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromSeconds(26));

        Assert.Equal(
            [("tick", Start.AddSeconds(10)), ("tick", Start.AddSeconds(20)), ("late", Start.AddSeconds(30)), ("tick", Start.AddSeconds(30))],
            fired);
        Assert.Equal(Start.AddSeconds(35), clock.GetUtcNow());
    }

    [Fact]
    public void MicrosoftsAdvance_FiresTimersWithTheClockAtTheEnd_WhichIsWhyTheWrapperExists()
    {
        var clock = new FakeTimeProvider(Start);
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([Start.AddMinutes(1)], fired);
    }

    [Fact]
    public void DisposedOrChangedTimers_DoNotFire()
    {
        var clock = new SteppingTimeProvider(Start);
        var count = 0;
        var timer = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));
        timer.Change(TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, count);

        timer.Dispose();
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, count);
    }

    [Fact]
    public async Task Delay_ContinuesAtItsDueTime()
    {
        var clock = new SteppingTimeProvider(Start);
        var woke = Task.Delay(TimeSpan.FromSeconds(59), clock).ContinueWith(_ => clock.GetUtcNow(), TaskContinuationOptions.ExecuteSynchronously);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(Start.AddSeconds(59), await woke);
    }
}
