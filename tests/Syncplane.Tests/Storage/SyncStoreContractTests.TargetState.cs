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
}
