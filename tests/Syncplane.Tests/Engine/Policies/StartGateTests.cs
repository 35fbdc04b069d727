using Syncplane.Config;
using Syncplane.Engine.Policies;
using Syncplane.Scheduling;

namespace Syncplane.Tests.Engine.Policies;

public class StartGateTests
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero); // a Monday

    private static readonly TargetConfig Target = new()
    {
        Name = "ads",
        DependsOn = ["lz-docs"],
        Windows = [new SyncWindow(SyncWindowKind.Deny, CronExpression.Parse("0 9 * * 1-5"), TimeSpan.FromHours(8), TimeZoneInfo.Utc, ManualOverride: true)],
    };

    [Fact]
    public void Check_InsideADenyWindow_PostponesToItsEnd()
    {
        var decision = StartGate.Check(Target, Noon, isManual: false, FailureStreak.None, _ => DependencyRunState.Succeeded);

        Assert.False(decision.CanStart);
        Assert.Equal(Noon.AddHours(5), decision.NotBefore);
        Assert.Contains("postponed to 2026-06-01 17:00:00Z", decision.Reason);
    }

    [Fact]
    public void Check_ManualRunThroughAnOverridableWindow_StillWaitsForDependencies()
    {
        var decision = StartGate.Check(Target, Noon, isManual: true, FailureStreak.None, _ => DependencyRunState.Failed);

        Assert.False(decision.CanStart);
        Assert.Null(decision.NotBefore);
        Assert.Equal("waiting for lz-docs (newest run failed)", decision.Reason);
    }

    [Fact]
    public void Check_Paused_BlocksScheduledRunsButNotManualOnes()
    {
        var paused = FailureStreak.None.RecordFailure(1, "boom");
        var evening = Noon.AddHours(8);

        Assert.Equal(paused.PausedReason, StartGate.Check(Target, evening, false, paused, _ => DependencyRunState.Succeeded).Reason);
        Assert.Equal(StartDecision.Go, StartGate.Check(Target, evening, true, paused, _ => DependencyRunState.Succeeded));
    }

    [Fact]
    public void Check_BerlinWindow_ReportsThePostponementInUtc()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var target = Target with { Windows = [new SyncWindow(SyncWindowKind.Deny, CronExpression.Parse("0 9 * * 1-5"), TimeSpan.FromHours(8), berlin)] };

        var decision = StartGate.Check(target, Noon, false, FailureStreak.None, _ => DependencyRunState.Succeeded);

        Assert.Equal(new DateTimeOffset(2026, 6, 1, 15, 0, 0, TimeSpan.Zero), decision.NotBefore); // 17:00 CEST
        Assert.Contains("postponed to 2026-06-01 15:00:00Z", decision.Reason);
    }

    [Fact]
    public void Check_AllClear_Starts() =>
        Assert.True(StartGate.Check(Target, Noon.AddHours(8), false, FailureStreak.None, _ => DependencyRunState.Succeeded).CanStart);
}
