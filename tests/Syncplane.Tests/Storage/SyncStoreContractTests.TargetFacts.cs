using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    // The /metrics snapshot's facts of one target, checked against what its history (ListTargetStatesAsync, over every run) gives.
    private static async Task<TargetFacts> SnapshotFactsMatchingHistoryAsync(ISyncStore store, string target)
    {
        var snapshot = await store.ReadRunSnapshotAsync(Ct);
        var facts = snapshot.Facts[target];
        var history = Assert.Single(await store.ListTargetStatesAsync(Ct), s => s.Target == target);
        Assert.Equal(history.ConsecutiveFailures, facts.ConsecutiveFailures);
        Assert.Equal(history.LastSucceededAt, facts.LastSuccessAt);
        Assert.Equal(facts, (await store.ListTargetFactsAsync(target, null, Ct))[target]);
        return facts;
    }

    [Fact]
    public async Task ReadRunSnapshotAsync_FailuresAcrossASuccess_BetweenFolds_AndAfterTheLastFold_CountAsTheHistoryDoes()
    {
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromMinutes(1));
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await SnapshotFactsMatchingHistoryAsync(Store, "docs")).ConsecutiveFailures);

        // A success and two failures finish between two folds: the next fold takes them together.
        await FinishAsync("docs", RunStatus.Succeeded, TimeSpan.FromMinutes(1));
        var succeededAt = Time.UtcNow;
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromMinutes(1));
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromMinutes(1));
        Assert.Equal((2, succeededAt), await SnapshotFactsMatchingHistoryAsync(Store, "docs") is var f ? (f.ConsecutiveFailures, f.LastSuccessAt) : default);

        // A failure after the last fold counts at once on another node, which has folded nothing itself.
        Assert.Equal(0L, await Store.FoldRunRollupsAsync(Ct));
        var started = Time.UtcNow;
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromSeconds(30));
        var other = await SnapshotFactsMatchingHistoryAsync(Open(), "docs");
        Assert.Equal((3, succeededAt), (other.ConsecutiveFailures, other.LastSuccessAt));
        Assert.Equal((started, started, Time.UtcNow), (other.LatestQueuedAt, other.LatestStartedAt, other.LatestFinishedAt));

        await FinishAsync("docs", RunStatus.Cancelled, TimeSpan.FromMinutes(1));
        Assert.Equal(3, (await SnapshotFactsMatchingHistoryAsync(Store, "docs")).ConsecutiveFailures);
        await FinishAsync("docs", RunStatus.Succeeded, TimeSpan.FromMinutes(1));
        Assert.Equal((0, Time.UtcNow), await SnapshotFactsMatchingHistoryAsync(Store, "docs") is var last ? (last.ConsecutiveFailures, last.LastSuccessAt) : default);
    }

    [Fact]
    public async Task ReadRunSnapshotAsync_ASuccessFoldedAfterAFailureThatFinishedLater_StillCountsThatFailure()
    {
        // Two nodes whose clocks disagree: the failure finishes at 12:10 and is folded; the success then finishes at 12:05.
        Time.UtcNow = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromMinutes(10));
        var failedAt = Time.UtcNow;
        Assert.Equal(1, (await Store.ReadRunSnapshotAsync(Ct)).Facts["docs"].ConsecutiveFailures);
        Time.UtcNow = new DateTimeOffset(2026, 3, 1, 12, 4, 0, TimeSpan.Zero);
        await FinishAsync("docs", RunStatus.Succeeded, TimeSpan.FromMinutes(1));

        var facts = (await Store.ReadRunSnapshotAsync(Ct)).Facts["docs"];

        Assert.Equal((1, Time.UtcNow, failedAt), (facts.ConsecutiveFailures, facts.LastSuccessAt, facts.LatestFinishedAt));
    }

    [Fact]
    public async Task ReadRunSnapshotAsync_TwoNodesFoldingWhileRunsFinish_FactsAreWhatTheHistoryGives()
    {
        var stores = new[] { Store, Open() };
        const int Targets = 6;
        var clock = new Lock();
        RunStatus[] outcomes = [RunStatus.Failed, RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Failed];
        var finishing = Task.WhenAll(Enumerable.Range(0, Targets).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < outcomes.Length - t % 2; i++)
            {
                var store = stores[(t + i) % 2];
                var id = await store.StartRunAsync(new NewRun($"t{t}", "cli", "pull", false), Ct);
                lock (clock)
                {
                    Time.UtcNow = Time.UtcNow.AddMilliseconds(1); // each run of a target finishes after the one before
                }

                await store.CompleteRunAsync(id, new RunCompletion { Status = outcomes[i], Message = "done" }, Ct);
            }
        })));
        var folders = stores.Select(store => Task.Run(async () =>
        {
            while (!finishing.IsCompleted)
            {
                await store.ReadRunSnapshotAsync(Ct);
            }
        })).ToList();
        await finishing;
        await Task.WhenAll(folders);

        for (var t = 0; t < Targets; t++)
        {
            Assert.Equal(t % 2 == 0 ? 2 : 1, (await SnapshotFactsMatchingHistoryAsync(stores[t % 2], $"t{t}")).ConsecutiveFailures);
        }
    }
}
