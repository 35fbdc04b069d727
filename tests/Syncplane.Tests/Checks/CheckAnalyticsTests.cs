using Syncplane.Checks;

namespace Syncplane.Tests.Checks;

public sealed class CheckAnalyticsTests
{
    [Fact]
    public void Percentile_IsNearestRank()
    {
        long[] sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

        Assert.Equal(50, CheckAnalytics.Percentile(sorted, 50));
        Assert.Equal(100, CheckAnalytics.Percentile(sorted, 95));
        Assert.Equal(10, CheckAnalytics.Percentile(sorted, 1));
        Assert.Equal(7, CheckAnalytics.Percentile([7], 99));
    }

    [Fact]
    public void ADayOfOnlyUnknownResults_HasNoUptime()
    {
        var at = new DateTimeOffset(2026, 3, 1, 23, 59, 59, TimeSpan.Zero);
        var day = Assert.Single(CheckAnalytics.Daily([
            new CheckResult { Name = "c", Kind = "compose", Status = CheckStatus.Unknown, Message = "no compose file", LatencyMs = 3, CheckedAt = at },
        ]));

        Assert.Equal((new DateOnly(2026, 3, 1), 1, 1, (double?)null), (day.Date, day.Samples, day.Unknown, day.UptimePercent));
    }

    [Fact]
    public void Days_AreUtcDays()
    {
        var plusTwo = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.FromHours(2)); // 1 March 23:00 UTC

        var day = Assert.Single(CheckAnalytics.Daily([
            new CheckResult { Name = "c", Kind = "tcp", Status = CheckStatus.Down, Message = "refused", CheckedAt = plusTwo },
        ]));

        Assert.Equal(new DateOnly(2026, 3, 1), day.Date);
        Assert.Equal(0.0, day.UptimePercent);
    }
}
