using Syncplane.Engine.Policies;

namespace Syncplane.Tests.Engine.Policies;

public class RateLimitRegistryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RateLimitRegistry Registry() => new(
        new Dictionary<string, RateLimit> { ["ads-api"] = new(10, TimeSpan.FromMinutes(1)) },
        [
            ("ads-a", null, "ads-api"),
            ("ads-b", null, "ads-api"),
            ("own", new RateLimit(2, TimeSpan.FromMinutes(1)), null),
            ("free", null, null),
        ]);

    [Fact]
    public void TryTake_SharedBucket_IsDebitedBySeveralTargets()
    {
        var registry = Registry(); // ads-api: 10/minute, one token every 6s

        Assert.True(registry.TryTake("ads-a", T0)!.Value.Granted);
        var refusedB = registry.TryTake("ads-b", T0.AddSeconds(1))!.Value;
        Assert.False(refusedB.Granted);
        Assert.Equal(T0.AddSeconds(6), refusedB.RetryAt);
        Assert.True(registry.TryTake("own", T0.AddSeconds(1))!.Value.Granted); // its own bucket is untouched

        Assert.True(registry.TryTake("ads-b", T0.AddSeconds(6))!.Value.Granted);
        Assert.Equal(T0.AddSeconds(12), registry.TryTake("ads-a", T0.AddSeconds(7))!.Value.RetryAt);
    }

    [Fact]
    public void TryTake_SharedBucketOverAnHour_HoldsTheLimitAcrossAllItsTargets()
    {
        var registry = Registry();
        var targets = new[] { "ads-a", "ads-b" };
        var granted = 0;
        for (var second = 0; second < 3600; second++)
        {
            foreach (var target in targets)
            {
                granted += registry.TryTake(target, T0.AddSeconds(second))!.Value.Granted ? 1 : 0;
            }
        }

        Assert.Equal(600, granted); // 10 a minute between them, not 10 each
    }

    [Fact]
    public void TryTake_TargetWithoutLimit_IsNotLimited() =>
        Assert.Null(Registry().TryTake("free", T0));

    [Fact]
    public void BucketOf_SharedAndOwn_HaveDistinctStoreKeys()
    {
        var registry = Registry();

        Assert.Equal("shared/ads-api", registry.BucketOf("ads-a")!.Key);
        Assert.Equal(registry.BucketOf("ads-a"), registry.BucketOf("ads-b"));
        Assert.Equal("target/own", registry.BucketOf("own")!.Key);
    }

    [Fact]
    public void Restore_PersistedState_HoldsAcrossARestart()
    {
        var before = Registry();
        Assert.True(before.TryTake("ads-a", T0)!.Value.Granted);

        var after = Registry();
        foreach (var (key, state) in before.States)
        {
            after.Restore(key, state);
        }

        Assert.False(after.TryTake("ads-b", T0.AddSeconds(1))!.Value.Granted);
    }

    [Fact]
    public void Constructor_UnknownSharedName_Throws() =>
        Assert.Throws<ArgumentException>(() => new RateLimitRegistry(new Dictionary<string, RateLimit>(), [("x", null, "nope")]));
}
