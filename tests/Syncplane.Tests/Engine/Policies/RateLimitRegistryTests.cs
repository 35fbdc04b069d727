using Syncplane.Engine.Policies;

namespace Syncplane.Tests.Engine.Policies;

public class RateLimitRegistryTests
{
    private static RateLimitRegistry Registry() => new(
        new Dictionary<string, RateLimit> { ["ads-api"] = new(10, TimeSpan.FromMinutes(1)) },
        [
            ("ads-a", null, "ads-api"),
            ("ads-b", null, "ads-api"),
            ("own", new RateLimit(2, TimeSpan.FromMinutes(1)), null),
            ("free", null, null),
        ]);

    [Fact]
    public void BucketOf_TargetWithoutLimit_IsNull() =>
        Assert.Null(Registry().BucketOf("free"));

    [Fact]
    public void BucketOf_SharedAndOwn_HaveDistinctStoreKeys()
    {
        var registry = Registry();

        Assert.Equal("shared/ads-api", registry.BucketOf("ads-a")!.Key);
        Assert.Equal(registry.BucketOf("ads-a"), registry.BucketOf("ads-b"));
        Assert.Equal("target/own", registry.BucketOf("own")!.Key);
    }

    [Fact]
    public void Constructor_UnknownSharedName_Throws() =>
        Assert.Throws<ArgumentException>(() => new RateLimitRegistry(new Dictionary<string, RateLimit>(), [("x", null, "nope")]));
}
