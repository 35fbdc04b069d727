using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task GetTargetStateAsync_IsThatTargetsEntryOfListTargetStates()
    {
        await FinishedRun("a", RunStatus.Succeeded, "synced", new PlanSummary(1, 2, 0, 10, 100));
        await FinishedRun("a", RunStatus.Failed, "boom", null);
        await FinishedRun("a", RunStatus.Failed, "bang", null);
        await FinishedRun("ab", RunStatus.Succeeded, "ok", new PlanSummary(0, 0, 1, 0, 0));
        await Store.EnqueueAsync(Request("ab"), Ct);
        await Store.StartRunAsync(new NewRun("c", "cli", "pull", false), Ct);
        await Store.SetPausedAsync("a", "paused after 2 consecutive failures", Ct);
        await Store.SetFrequencyOverrideAsync("settings-only", "5min", Ct);

        var listed = await Store.ListTargetStatesAsync(Ct);

        Assert.Equal(["a", "ab", "c", "settings-only"], listed.Select(s => s.Target));
        foreach (var state in listed)
        {
            Assert.Equal(state, await Store.GetTargetStateAsync(state.Target, Ct));
        }

        var a = await Store.GetTargetStateAsync("a", Ct);
        Assert.Equal(("error", 3, 2, "paused after 2 consecutive failures"), (a!.Status, a.TotalRuns, a.ConsecutiveFailures, a.PausedReason));
        Assert.Null(await Store.GetTargetStateAsync("unknown", Ct));
    }

    [Fact]
    public async Task ListTargetSettingsAsync_HasTheSettingsOfListTargetStates_AndNoTargetWithRunsOnly()
    {
        await FinishedRun("runs-only", RunStatus.Failed, "boom", null);
        await FinishedRun("paused", RunStatus.Failed, "boom", null);
        await Store.SetPausedAsync("paused", "paused after 1 consecutive failure", Ct);
        await Store.SetFrequencyOverrideAsync("B-override", "5min", Ct);
        await Store.SetFrequencyOverrideAsync("a-override", "hourly", Ct);

        var settings = await Store.ListTargetSettingsAsync(Ct);

        Assert.Equal(
            [new("B-override", "5min", null), new("a-override", "hourly", null), new TargetSettings("paused", null, "paused after 1 consecutive failure")],
            settings);
        var states = (await Store.ListTargetStatesAsync(Ct)).Where(s => s.FrequencyOverride is not null || s.PausedReason is not null);
        Assert.Equal(settings, states.Select(s => new TargetSettings(s.Target, s.FrequencyOverride, s.PausedReason)));
    }
}
