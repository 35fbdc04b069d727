using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    private static string HourOfDay1(int hour) => $"2026-01-01T{hour:00}:00:00.0000000Z";

    /// <summary>
    /// Builds, through <paramref name="execute"/>, a store from before target facts were kept (all migrations up to
    /// <paramref name="factsVersion"/>): docs failed at 01:00, succeeded at 02:00 and failed at 03:00 before rollups were
    /// folded (<paramref name="foldVersion"/>: counted in the rollups at once); then docs failed at 04:00, site succeeded at
    /// 05:00 and failed at 06:00, left pending. <paramref name="no"/> is the dialect's false.
    /// </summary>
    private protected static async Task BuildStoreBeforeTargetFactsAsync(
        IReadOnlyList<Migration> migrations, string migrationTable, int foldVersion, int factsVersion, string no, Func<string, Task> execute)
    {
        string Finish(string target, string status, int hour) =>
            "INSERT INTO runs (target, trigger, direction, dry_run, status, queued_at, started_at, not_before) " +
            $"VALUES ('{target}', 'cli', 'pull', {no}, 'running', '{HourOfDay1(hour - 1)}', '{HourOfDay1(hour - 1)}', '{HourOfDay1(hour - 1)}'); " +
            $"UPDATE runs SET status = '{status}', finished_at = '{HourOfDay1(hour)}' WHERE status = 'running';";
        await execute(migrationTable);
        foreach (var migration in migrations.Where(m => m.Version < factsVersion))
        {
            if (migration.Version == foldVersion)
            {
                await execute(Finish("docs", "failed", 1) + Finish("docs", "succeeded", 2) + Finish("docs", "failed", 3));
            }

            await execute(migration.Sql + $";\nINSERT INTO schema_migrations (version, applied_at) VALUES ({migration.Version}, '{HourOfDay1(0)}')");
        }

        await execute(Finish("docs", "failed", 4) + Finish("site", "succeeded", 5) + Finish("site", "failed", 6));
    }

    /// <summary>After migrating the store <see cref="BuildStoreBeforeTargetFactsAsync"/> built: the facts of all six runs, as the history has them.</summary>
    private protected static async Task AssertTargetFactsBackfilledAsync(ISyncStore store)
    {
        await store.MigrateAsync(Ct);
        var docs = await SnapshotFactsMatchingHistoryAsync(store, "docs");
        var site = await SnapshotFactsMatchingHistoryAsync(store, "site");
        Assert.Equal((2, HourOfDay1(2), HourOfDay1(3), HourOfDay1(4)), (docs.ConsecutiveFailures, Text(docs.LastSuccessAt), Text(docs.LatestQueuedAt), Text(docs.LatestFinishedAt)));
        Assert.Equal((1, HourOfDay1(5), HourOfDay1(6)), (site.ConsecutiveFailures, Text(site.LastSuccessAt), Text(site.LatestFinishedAt)));

        static string? Text(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

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
