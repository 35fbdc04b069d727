using Syncplane.Config;
using Syncplane.Operations;
using Syncplane.Scheduling;

namespace Syncplane.Tests.Operations;

/// <summary>Stale: scheduled, and never succeeded or last good run older than twice the schedule's interval.</summary>
public sealed class FreshnessTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("hourly", null, true)]
    [InlineData("hourly", 119, false)]
    [InlineData("hourly", 121, true)]
    [InlineData("manual", null, false)]
    [InlineData("0 3 * * *", 47 * 60, false)]
    [InlineData("0 3 * * *", 49 * 60, true)]
    public void IsStale_ComparesTheLastGoodRunWithTwiceTheInterval(string schedule, int? minutesAgo, bool stale)
    {
        var target = new TargetConfig { Name = "t", Schedule = Schedule.Parse(schedule) };
        var telemetry = Telemetry(schedule, overridden: false, minutesAgo is { } m ? Now.AddMinutes(-m) : null);

        Assert.Equal(stale, Freshness.IsStale(target, telemetry, Now));
    }

    [Fact]
    public void IsStale_UsesTheRuntimeFrequencyOverride()
    {
        var target = new TargetConfig { Name = "t", Schedule = Schedule.Parse("daily") };

        Assert.True(Freshness.IsStale(target, Telemetry("5min", overridden: true, Now.AddMinutes(-11)), Now));
        Assert.False(Freshness.IsStale(target, Telemetry("manual", overridden: true, null), Now));
    }

    private static TargetTelemetry Telemetry(string frequency, bool overridden, DateTimeOffset? lastSucceeded) =>
        new("t", "idle", frequency, overridden, null, null, lastSucceeded, null, 0, 0, null, 0, null, null);
}
