using Syncplane.Engine.Policies;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

/// <summary>Rate-limit buckets: one budget for every node on the database, refilled by the clock, kept across restarts.</summary>
public abstract partial class SyncStoreContractTests
{
    private static readonly RateLimit FivePerHourAtOnce = new(5, TimeSpan.FromHours(1), Burst: 5);

    [Fact]
    public async Task TakeTokensAsync_TwoStoresOnOneDatabase_GrantExactlyTheBudgetBetweenThem()
    {
        var other = Open();
        await other.MigrateAsync(Ct);

        var takes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => (i % 2 == 0 ? Store : other).TakeTokensAsync("shared/ads-api", FivePerHourAtOnce, 1, Ct))));

        Assert.Equal(5, takes.Count(t => t.Granted));
        // 5/hour burst 5 refills 1 an hour: every refusal names the same next token, an hour from now.
        Assert.All(takes.Where(t => !t.Granted), t => Assert.Equal(Time.UtcNow.AddHours(1), t.RetryAt));
    }

    [Fact]
    public async Task TakeTokensAsync_EmptyBucket_RefillsAsTheClockMoves()
    {
        var paced = new RateLimit(5, TimeSpan.FromHours(1)); // one call every 12 minutes
        var start = Time.UtcNow;

        Assert.True((await Store.TakeTokensAsync("target/ads", paced, 1, Ct)).Granted);
        var refused = await Store.TakeTokensAsync("target/ads", paced, 1, Ct);
        Time.Advance(TimeSpan.FromMinutes(11));
        var early = await Store.TakeTokensAsync("target/ads", paced, 1, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var due = await Store.TakeTokensAsync("target/ads", paced, 1, Ct);

        Assert.Equal(new BucketTake(false, start.AddMinutes(12)), refused);
        Assert.Equal(new BucketTake(false, start.AddMinutes(12)), early);
        Assert.True(due.Granted);
    }

    [Fact]
    public async Task TakeTokensAsync_OverAnHourOfCallsEveryMinute_HoldsTheLimitInEveryWindow()
    {
        var limit = new RateLimit(10, TimeSpan.FromHours(1), Burst: 4);
        var granted = new List<DateTimeOffset>();
        for (var minute = 0; minute < 120; minute++)
        {
            for (var caller = 0; caller < 2; caller++)
            {
                if ((await Store.TakeTokensAsync("shared/api", limit, 1, Ct)).Granted)
                {
                    granted.Add(Time.UtcNow);
                }
            }

            Time.Advance(TimeSpan.FromMinutes(1));
        }

        // At most 10 in any rolling hour, and the budget is used: 4 at once, then 7 an hour (13 more by minute 119).
        Assert.All(granted, at => Assert.InRange(granted.Count(g => g >= at && g < at.AddHours(1)), 1, 10));
        Assert.Equal(17, granted.Count);
    }

    [Fact]
    public async Task TakeTokensAsync_BucketsAreIndependentAndALoweredLimitCutsTheTokens()
    {
        Assert.True((await Store.TakeTokensAsync("target/a", FivePerHourAtOnce, 5, Ct)).Granted);
        Assert.False((await Store.TakeTokensAsync("target/a", FivePerHourAtOnce, 1, Ct)).Granted);
        Assert.True((await Store.TakeTokensAsync("target/b", FivePerHourAtOnce, 1, Ct)).Granted);

        var lowered = new RateLimit(2, TimeSpan.FromHours(1), Burst: 2);
        Assert.True((await Store.TakeTokensAsync("target/b", lowered, 2, Ct)).Granted); // 4 left, cut to 2
        Assert.False((await Store.TakeTokensAsync("target/b", lowered, 1, Ct)).Granted);
    }

    [Fact]
    public async Task TakeTokensAsync_AfterTheStoreIsReopened_TheSpentBudgetStaysSpent()
    {
        var first = OpenStore();
        await first.MigrateAsync(Ct);
        Assert.True((await first.TakeTokensAsync("shared/ads-api", FivePerHourAtOnce, 5, Ct)).Granted);
        await first.DisposeAsync();

        await using var reopened = OpenStore();
        await reopened.MigrateAsync(Ct);
        var refused = await reopened.TakeTokensAsync("shared/ads-api", FivePerHourAtOnce, 1, Ct);
        Time.Advance(TimeSpan.FromHours(1));
        var refilled = await reopened.TakeTokensAsync("shared/ads-api", FivePerHourAtOnce, 1, Ct);

        Assert.Equal(new BucketTake(false, Time.UtcNow), refused);
        Assert.True(refilled.Granted);
    }

    [Fact]
    public async Task TakeTokensAsync_MoreThanTheCapacity_Throws() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.TakeTokensAsync("target/a", FivePerHourAtOnce, 6, Ct));
}
