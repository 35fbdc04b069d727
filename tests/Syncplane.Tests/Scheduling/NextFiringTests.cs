using Syncplane.Config;
using Syncplane.Scheduling;
using Syncplane.Storage;

namespace Syncplane.Tests.Scheduling;

public class NextFiringTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SyncplaneConfig Config = new() { File = "syncplane.yaml", BaseDirectory = "/tmp", StateDirectory = "/tmp/.syncplane" };

    [Fact]
    public void Of_IntervalTargetThatFired_IsTheNextSlotPlusItsJitter()
    {
        var target = new TargetConfig { Name = "docs", Schedule = Schedule.Parse("every 1h"), Jitter = TimeSpan.Zero };

        Assert.Equal(Now.AddMinutes(50), NextFiring.Of(Config, target, null, Now.AddMinutes(-10), Now));
    }

    [Fact]
    public void Of_OverdueSlot_IsNow_NotThePastSlot()
    {
        var target = new TargetConfig { Name = "docs", Schedule = Schedule.Parse("every 1h"), Jitter = TimeSpan.Zero };

        // The latest missed slot is 11:30; a scheduler fires it when it next runs, which is no earlier than now.
        Assert.Equal(Now, NextFiring.Of(Config, target, null, Now.AddMinutes(-210), Now));
    }

    [Fact]
    public void Of_FrequencyOverride_ReplacesTheFileSchedule()
    {
        var target = new TargetConfig { Name = "docs", Jitter = TimeSpan.Zero };
        var state = new TargetState { Target = "docs", Status = "idle", FrequencyOverride = "5min" };

        Assert.Null(NextFiring.Of(Config, target, null, Now.AddMinutes(-1), Now));
        Assert.Equal(Now.AddMinutes(4), NextFiring.Of(Config, target, state, Now.AddMinutes(-1), Now));
    }

    [Fact]
    public void Of_PausedTarget_IsNull()
    {
        var target = new TargetConfig { Name = "docs", Schedule = Schedule.Parse("every 1h") };
        var state = new TargetState { Target = "docs", Status = "error", PausedReason = "paused after 3 consecutive failures" };

        Assert.Null(NextFiring.Of(Config, target, state, null, Now));
    }
}
