using System.Text.Json;
using Syncplane.Engine.Policies;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Policies;

public class TokenBucketTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);
    private static readonly RateLimit PerHour180 = new(180, TimeSpan.FromHours(1));

    [Fact]
    public void TryTake_FullBucket_GrantsTheCapacityThenSaysWhenTheNextTokenComes()
    {
        var bucket = TokenBucket.Full(PerHour180, T0);
        for (var i = 0; i < 180; i++)
        {
            var take = bucket.TryTake(T0);
            Assert.True(take.Granted, $"call {i + 1}");
            bucket = take.Bucket;
        }

        var refused = bucket.TryTake(T0);

        Assert.False(refused.Granted);
        Assert.Equal(T0.AddSeconds(20), refused.RetryAt); // one token per 3600s / 180
    }

    [Fact]
    public void TryTake_AtRetryAt_IsGrantedAndOneTickEarlierIsNot()
    {
        var bucket = new TokenBucket(new RateLimit(7, TimeSpan.FromSeconds(1)), new TokenBucketState(0, T0));
        var at = bucket.TryTake(T0, 3).RetryAt!.Value;

        Assert.Equal(T0 + TimeSpan.FromTicks(4_285_715), at); // ceil(3 × 10^7 / 7) ticks
        Assert.False(bucket.TryTake(at - TimeSpan.FromTicks(1), 3).Granted);
        Assert.True(bucket.TryTake(at, 3).Granted);
    }

    [Fact]
    public void TryTake_GreedyCallerOverTenSimulatedHours_Gets180AnHourAfterTheInitialBurst()
    {
        var clock = new FakeTimeProvider(T0);
        var bucket = TokenBucket.Full(PerHour180, clock.GetUtcNow());
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

        var perHour = Enumerable.Range(0, 10).Select(h => grants.Count(g => g >= T0.AddHours(h) && g < T0.AddHours(h + 1))).ToList();
        Assert.Equal(180 + 179, perHour[0]); // the full bucket, plus a token every 20s from 00:00:20 to 00:59:40
        Assert.All(perHour.Skip(1), n => Assert.Equal(180, n));
        for (var i = 180; i < grants.Count; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(20), grants[i] - grants[i - 1]); // paced exactly, no drift
        }
    }

    [Fact]
    public void TryTake_ManyCallsAtIrregularTimes_NeverExceedsCapacityPlusRefill()
    {
        var limit = new RateLimit(10, TimeSpan.FromMinutes(1));
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

        var allowed = 10 + (long)Math.Floor((now - T0).TotalMinutes * 10);
        Assert.InRange(granted, 1, allowed);
    }

    [Fact]
    public void State_RoundTripsThroughJson_AndTheRestoredBucketBehavesTheSame()
    {
        var bucket = TokenBucket.Full(PerHour180, T0);
        for (var i = 0; i < 179; i++)
        {
            bucket = bucket.TryTake(T0.AddSeconds(i)).Bucket;
        }

        var json = JsonSerializer.Serialize(bucket.State);
        var restored = new TokenBucket(PerHour180, JsonSerializer.Deserialize<TokenBucketState>(json)!);

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
    public void TryParse_CallsPerPeriod_ReadsCountAndPeriod(string text, long count, int seconds)
    {
        Assert.True(RateLimit.TryParse(text, out var limit, out _));
        Assert.Equal(new RateLimit(count, TimeSpan.FromSeconds(seconds)), limit);
    }

    [Theory]
    [InlineData("180")]
    [InlineData("0/hour")]
    [InlineData("-1/hour")]
    [InlineData("ten/hour")]
    [InlineData("5/fortnight")]
    [InlineData("5/100ms")]
    public void TryParse_Malformed_SaysWhatIsWrong(string text)
    {
        Assert.False(RateLimit.TryParse(text, out _, out var error));
        Assert.Contains(text.Trim(), error);
    }
}
