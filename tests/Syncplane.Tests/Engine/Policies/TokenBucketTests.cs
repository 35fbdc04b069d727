using System.Text.Json;
using Syncplane.Engine.Policies;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Policies;

public class TokenBucketTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);
    private static readonly RateLimit PerHour180 = new(180, TimeSpan.FromHours(1));

    [Fact]
    public void TryTake_180PerHour_GrantsOneThenSaysWhenTheNextTokenComes()
    {
        var take = TokenBucket.Full(PerHour180, T0).TryTake(T0);
        Assert.True(take.Granted);

        var refused = take.Bucket.TryTake(T0.AddSeconds(5));

        Assert.False(refused.Granted);
        Assert.Equal(T0.AddSeconds(20), refused.RetryAt); // one token per 3600s / 180
    }

    [Fact]
    public void TryTake_WithBurst_GrantsTheBurstThenRefillsAtCountMinusBurstPlusOne()
    {
        var limit = new RateLimit(180, TimeSpan.FromHours(1), Burst: 21); // refill 160/hour
        var bucket = TokenBucket.Full(limit, T0);
        for (var i = 0; i < 21; i++)
        {
            var take = bucket.TryTake(T0);
            Assert.True(take.Granted, $"call {i + 1}");
            bucket = take.Bucket;
        }

        Assert.Equal(T0.AddSeconds(22.5), bucket.TryTake(T0).RetryAt);
    }

    [Fact]
    public void TryTake_AtRetryAt_IsGrantedAndOneTickEarlierIsNot()
    {
        var bucket = new TokenBucket(new RateLimit(9, TimeSpan.FromSeconds(1), Burst: 3), new TokenBucketState(0, T0)); // refill 7/s
        var at = bucket.TryTake(T0, 3).RetryAt!.Value;

        Assert.Equal(T0 + TimeSpan.FromTicks(4_285_715), at); // ceil(3 × 10^7 / 7) ticks
        Assert.False(bucket.TryTake(at - TimeSpan.FromTicks(1), 3).Granted);
        Assert.True(bucket.TryTake(at, 3).Granted);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(180)]
    public void TryTake_GreedyCallerOverTenSimulatedHours_NeverMoreThan180InAnyHour(long burst)
    {
        var clock = new FakeTimeProvider(T0);
        var bucket = TokenBucket.Full(PerHour180 with { Burst = burst }, clock.GetUtcNow());
        var grants = new List<DateTimeOffset>();
        var end = T0.AddHours(10);
        while (clock.GetUtcNow() < end)
        {
            var take = bucket.TryTake(clock.GetUtcNow());
            bucket = take.Bucket;
            if (take.Granted)
            {
                grants.Add(clock.GetUtcNow());
            }
            else
            {
                Assert.True(take.RetryAt > clock.GetUtcNow());
                clock.Advance(take.RetryAt!.Value - clock.GetUtcNow());
            }
        }

        // Every window of one hour that starts at a grant (the worst case) holds at most 180.
        for (var i = 0; i < grants.Count; i++)
        {
            var inWindow = grants.Skip(i).TakeWhile(g => g < grants[i].AddHours(1)).Count();
            Assert.True(inWindow <= 180, $"{inWindow} grants in the hour from {grants[i]:O}");
        }

        var perHour = Enumerable.Range(0, 10).Select(h => grants.Count(g => g >= T0.AddHours(h) && g < T0.AddHours(h + 1))).ToList();
        Assert.Equal(180, perHour[0]); // the burst plus the refill fill the first hour exactly
        Assert.All(perHour.Skip(1), n => Assert.Equal(181 - burst, n)); // then Count - Burst + 1 an hour, with no drift
    }

    [Fact]
    public void TryTake_ManyCallsAtIrregularTimes_NeverExceedsCapacityPlusRefill()
    {
        var limit = new RateLimit(10, TimeSpan.FromMinutes(1), Burst: 4);
        var bucket = TokenBucket.Full(limit, T0);
        var random = new Random(42);
        var now = T0;
        var granted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            now += TimeSpan.FromMilliseconds(random.Next(0, 1500));
            var count = random.Next(1, 4);
            var take = bucket.TryTake(now, count);
            bucket = take.Bucket;
            granted += take.Granted ? count : 0;
        }

        var allowed = limit.Capacity + (long)Math.Floor((now - T0).TotalMinutes * limit.Refill);
        Assert.InRange(granted, allowed * 9 / 10, allowed); // the bound holds, and a busy caller gets close to it
    }

    [Fact]
    public void State_RoundTripsThroughJson_AndTheRestoredBucketBehavesTheSame()
    {
        var bucket = TokenBucket.Full(PerHour180 with { Burst = 100 }, T0);
        for (var i = 0; i < 179; i++)
        {
            bucket = bucket.TryTake(T0.AddSeconds(i)).Bucket;
        }

        Assert.InRange(bucket.State.Tokens, 0, 99);

        var json = JsonSerializer.Serialize(bucket.State);
        var restored = new TokenBucket(bucket.Limit, JsonSerializer.Deserialize<TokenBucketState>(json)!);

        Assert.Equal(bucket.State, restored.State);
        var later = T0.AddSeconds(200);
        Assert.Equal(bucket.TryTake(later, 5), restored.TryTake(later, 5));
    }

    [Fact]
    public void TryTake_ClockStepsBackwards_RefillsNothing()
    {
        var bucket = new TokenBucket(PerHour180, new TokenBucketState(0, T0));

        var take = bucket.TryTake(T0.AddMinutes(-30));

        Assert.False(take.Granted);
        Assert.Equal(T0.AddSeconds(20), take.RetryAt);
    }

    [Fact]
    public void TryTake_MoreThanTheCapacity_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenBucket.Full(new RateLimit(5, TimeSpan.FromSeconds(1)), T0).TryTake(T0, 6));

    [Theory]
    [InlineData("180/hour", 180, 3600)]
    [InlineData("10/minute", 10, 60)]
    [InlineData("5/second", 5, 1)]
    [InlineData("1000/day", 1000, 86400)]
    [InlineData("100 / 15m", 100, 900)]
    [InlineData("3/h", 3, 3600)]
    [InlineData("200/hour burst 20", 200, 3600, 20)]
    [InlineData("200/hour, burst 200", 200, 3600, 200)]
    public void TryParse_CallsPerPeriod_ReadsCountPeriodAndBurst(string text, long count, int seconds, long burst = 1)
    {
        Assert.True(RateLimit.TryParse(text, out var limit, out _));
        Assert.Equal(new RateLimit(count, TimeSpan.FromSeconds(seconds), burst), limit);
    }

    [Theory]
    [InlineData("180")]
    [InlineData("0/hour")]
    [InlineData("-1/hour")]
    [InlineData("ten/hour")]
    [InlineData("5/fortnight")]
    [InlineData("5/100ms")]
    [InlineData("5/hour burst 6")]
    [InlineData("5/hour burst 0")]
    public void TryParse_Malformed_SaysWhatIsWrong(string text)
    {
        Assert.False(RateLimit.TryParse(text, out _, out var error));
        Assert.Contains(text.Trim(), error);
    }
}
