namespace Syncplane.Tests.Support;

public class FakeTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Advance_MovesTheClockAndTheTimestamp()
    {
        var clock = new FakeTimeProvider(Start);
        var before = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMinutes(90));

        Assert.Equal(Start.AddMinutes(90), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(90), clock.GetElapsedTime(before));
    }

    [Fact]
    public void LocalZone_IsWhatLocalNowUses()
    {
        var clock = new FakeTimeProvider(Start) { LocalZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin") };

        Assert.Equal(TimeSpan.FromHours(1), clock.GetLocalNow().Offset);
        clock.Advance(TimeSpan.FromHours(1)); // 01:00 UTC: clocks in Berlin jump to 03:00 CEST
        Assert.Equal(new DateTime(2026, 3, 29, 3, 0, 0), clock.GetLocalNow().DateTime);
    }

    [Fact]
    public void Advance_FiresDueTimersInOrderAtTheirDueTime()
    {
        var clock = new FakeTimeProvider(Start);
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
    public void DisposedOrChangedTimers_DoNotFire()
    {
        var clock = new FakeTimeProvider(Start);
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
}
