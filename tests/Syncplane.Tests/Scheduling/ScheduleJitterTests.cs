using Syncplane.Scheduling;

namespace Syncplane.Tests.Scheduling;

public class ScheduleJitterTests
{
    [Theory]
    [InlineData("every 5m", 30)]
    [InlineData("realtime", 3)]
    [InlineData("hourly", 300)]
    [InlineData("daily", 300)]
    [InlineData("*/5 * * * *", 30)]
    [InlineData("manual", 0)]
    public void Window_Default_TenPercentOfIntervalCappedAtFiveMinutesOrThirtySecondsForCron(string schedule, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ScheduleJitter.Window(Schedule.Parse(schedule), null));

    [Fact]
    public void Window_ConfiguredLongerThanTheInterval_StaysBelowIt() =>
        Assert.True(ScheduleJitter.Window(Schedule.Parse("every 1m"), TimeSpan.FromMinutes(5)) < TimeSpan.FromMinutes(1));

    [Fact]
    public void StableHash_KnownInput_IsPinnedAcrossProcessesAndVersions()
    {
        // string.GetHashCode is randomised per process; this must not be, so every node agrees.
        Assert.Equal(ScheduleJitter.StableHash("lz-docs"), ScheduleJitter.StableHash(new string("lz-docs".ToCharArray())));
        Assert.NotEqual(ScheduleJitter.StableHash("lz-docs"), ScheduleJitter.StableHash("lz-doct"));
        Assert.Equal(0x31B7090F374EDDF2UL, ScheduleJitter.StableHash("lz-docs")); // computed independently (FNV-1a 64 over UTF-16LE, SplitMix64 finish)
    }
}
