using Syncplane.Engine.Policies;

namespace Syncplane.Tests.Engine.Policies;

public class FailureStreakTests
{
    [Fact]
    public void RecordFailure_ThirdFailureInARowWithThresholdThree_PausesWithTheReason()
    {
        var streak = FailureStreak.None.RecordFailure(3, "timeout").RecordFailure(3, "timeout");
        Assert.False(streak.IsPaused);

        streak = streak.RecordFailure(3, "HTTP 500 from ads");

        Assert.True(streak.IsPaused);
        Assert.Equal(3, streak.ConsecutiveFailures);
        Assert.Equal("paused after 3 consecutive failures; last error: HTTP 500 from ads", streak.PausedReason);
    }

    [Fact]
    public void RecordSuccess_BetweenFailures_ResetsTheCount()
    {
        var streak = FailureStreak.None.RecordFailure(2, "x").RecordSuccess().RecordFailure(2, "y");

        Assert.Equal(1, streak.ConsecutiveFailures);
        Assert.False(streak.IsPaused);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void RecordFailure_PausingOff_NeverPauses(int? threshold)
    {
        var streak = FailureStreak.None;
        for (var i = 0; i < 100; i++)
        {
            streak = streak.RecordFailure(threshold, "boom");
        }

        Assert.Equal((100, false), (streak.ConsecutiveFailures, streak.IsPaused));
    }

    [Fact]
    public void Resume_PausedTarget_GetsAFreshCountAndKeepsTheFirstReasonWhileFailing()
    {
        var paused = FailureStreak.None.RecordFailure(1, "first").RecordFailure(1, "second");
        Assert.Contains("first", paused.PausedReason);

        var resumed = paused.Resume();

        Assert.Equal(FailureStreak.None, resumed);
        Assert.True(resumed.RecordFailure(1, "again").IsPaused);
    }
}
