using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task TryAcquireLeaseAsync_OneHolderAtATime_TakenOverOnlyOnceExpired()
    {
        var other = Open();

        Assert.True(await Store.TryAcquireLeaseAsync("scheduler", "node-a", TimeSpan.FromSeconds(15), Ct));
        Assert.False(await other.TryAcquireLeaseAsync("scheduler", "node-b", TimeSpan.FromSeconds(15), Ct));
        Assert.True(await other.TryAcquireLeaseAsync("another-lease", "node-b", TimeSpan.FromSeconds(15), Ct));
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await Store.TryAcquireLeaseAsync("scheduler", "node-a", TimeSpan.FromSeconds(15), Ct));
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await other.TryAcquireLeaseAsync("scheduler", "node-b", TimeSpan.FromSeconds(15), Ct));

        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await other.TryAcquireLeaseAsync("scheduler", "node-b", TimeSpan.FromSeconds(15), Ct));
        Assert.False(await Store.TryAcquireLeaseAsync("scheduler", "node-a", TimeSpan.FromSeconds(15), Ct));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_ManyContenders_ExactlyOneWins()
    {
        var stores = new[] { Store, Open(), Open() };
        var won = await Task.WhenAll(Enumerable.Range(0, 9).Select(i =>
            Task.Run(() => stores[i % 3].TryAcquireLeaseAsync("scheduler", $"node-{i}", TimeSpan.FromSeconds(15), Ct))));

        Assert.Single(won, w => w);
    }

    [Fact]
    public async Task RecordFiringAsync_EachTargetAndSlotOnce_AndGetLastFiringsReturnsTheLatestSlot()
    {
        var slot = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.True(await Store.RecordFiringAsync("docs", slot, Ct));
        Assert.False(await Open().RecordFiringAsync("docs", slot, Ct));
        Assert.False(await Store.RecordFiringAsync("docs", slot.ToOffset(TimeSpan.FromHours(2)), Ct));
        Assert.True(await Store.RecordFiringAsync("docs", slot.AddMinutes(5), Ct));
        Assert.True(await Store.RecordFiringAsync("other", slot, Ct));
        Assert.True(await Store.RecordFiringAsync("docs", slot.AddMinutes(-5), Ct));

        var last = await Store.GetLastFiringsAsync(Ct);

        Assert.Equal(2, last.Count);
        Assert.Equal(slot.AddMinutes(5), last["docs"]);
        Assert.Equal(slot, last["other"]);
    }

    [Fact]
    public async Task RecordFiringAsync_TwoSchedulersRacingForOneSlot_OnlyOneFires()
    {
        var slot = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var stores = new[] { Store, Open() };

        var fired = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => stores[i % 2].RecordFiringAsync("docs", slot, Ct))));

        Assert.Single(fired, f => f);
    }

    [Fact]
    public async Task TargetSettings_AreStoredAndCleared_AndShowForATargetWithoutRuns()
    {
        await Store.SetFrequencyOverrideAsync("docs", "5min", Ct);
        await Store.SetPausedAsync("docs", "failed 3 times in a row", Ct);
        await Store.SetPausedAsync("other", "maintenance", Ct);

        var states = await Store.ListTargetStatesAsync(Ct);

        Assert.Equal(["docs", "other"], states.Select(s => s.Target));
        Assert.Equal(("idle", "5min", "failed 3 times in a row", 0), (states[0].Status, states[0].FrequencyOverride, states[0].PausedReason, states[0].TotalRuns));
        Assert.Equal(((string?)null, "maintenance"), (states[1].FrequencyOverride, states[1].PausedReason));

        await Store.SetPausedAsync("docs", null, Ct);
        await Store.SetFrequencyOverrideAsync("other", "hourly", Ct);
        await Store.SetFrequencyOverrideAsync("docs", null, Ct);

        states = await Store.ListTargetStatesAsync(Ct);
        Assert.Equal(((string?)null, (string?)null), (states[0].FrequencyOverride, states[0].PausedReason));
        Assert.Equal(("hourly", "maintenance"), (states[1].FrequencyOverride, states[1].PausedReason));
    }

    [Fact]
    public async Task ListTargetStatesAsync_DerivesTelemetryFromRuns()
    {
        var t0 = Time.UtcNow;
        await FinishedRun("a", RunStatus.Succeeded, "synced", new PlanSummary(1, 2, 0, 10, 100));
        var good = await FinishedRun("a", RunStatus.Succeeded, "nothing to do", new PlanSummary(0, 0, 0, 13, 0));
        await FinishedRun("a", RunStatus.Failed, "boom", null);
        await FinishedRun("a", RunStatus.Refused, "max_delete", new PlanSummary(0, 0, 9, 4, 0));
        await FinishedRun("a", RunStatus.Failed, "bang", null);
        await FinishedRun("a", RunStatus.Succeeded, "dry run", new PlanSummary(5, 0, 0, 0, 0), dryRun: true);
        await FinishedRun("a", RunStatus.Failed, "again", null);

        await FinishedRun("b", RunStatus.Failed, "old failure", null);
        await FinishedRun("b", RunStatus.Succeeded, "ok", new PlanSummary(0, 0, 1, 0, 0));
        await Store.EnqueueAsync(Request("b"), Ct);
        await Store.StartRunAsync(new NewRun("c", "cli", "pull", false), Ct);
        await Store.EnqueueAsync(Request("c"), Ct);
        await Store.EnqueueAsync(Request("d"), Ct);

        var states = (await Store.ListTargetStatesAsync(Ct)).ToDictionary(s => s.Target);

        Assert.Equal(["a", "b", "c", "d"], states.Keys);
        var a = states["a"];
        Assert.Equal(("error", 7, 1, good, "again", 3), (a.Status, a.TotalRuns, a.RunsWithChanges, a.LastGoodRunId, a.LastError, a.ConsecutiveFailures));
        Assert.Equal((t0.AddSeconds(24), t0.AddSeconds(27), t0.AddSeconds(3)), (a.LastAttemptedAt, a.LastCompletedAt, a.LastChangedAt));
        var b = states["b"];
        Assert.Equal(("queued", 2, 1, "old failure", 0), (b.Status, b.TotalRuns, b.RunsWithChanges, b.LastError, b.ConsecutiveFailures));
        Assert.Equal(("syncing", 0, (long?)null), (states["c"].Status, states["c"].TotalRuns, states["c"].LastGoodRunId));
        Assert.Equal(("queued", (DateTimeOffset?)null, (DateTimeOffset?)null), (states["d"].Status, states["d"].LastAttemptedAt, states["d"].LastCompletedAt));
    }

    [Fact]
    public async Task ListTargetStatesAsync_AnEntrypointRunThatWroteOutputs_CountsAsAChange()
    {
        var t0 = Time.UtcNow;
        await FinishedRun("script", RunStatus.Succeeded, "1 output", null, outputs: ["docs/runtime/apps_truth.json"]);
        await FinishedRun("script", RunStatus.Succeeded, "0 outputs", null);

        var state = Assert.Single(await Store.ListTargetStatesAsync(Ct));

        Assert.Equal((2, 1, t0.AddSeconds(3)), (state.TotalRuns, state.RunsWithChanges, state.LastChangedAt));
    }

    /// <summary>A run that starts now, lasts three seconds and ends as told; the clock moves on four seconds in all.</summary>
    private async Task<long> FinishedRun(string target, RunStatus status, string message, PlanSummary? summary, bool dryRun = false, IReadOnlyList<string>? outputs = null)
    {
        var id = await Store.StartRunAsync(new NewRun(target, "schedule", "pull", dryRun), Ct);
        Time.Advance(TimeSpan.FromSeconds(3));
        await Store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = message, Summary = summary, OutputsCreated = outputs ?? [] }, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        return id;
    }
}
