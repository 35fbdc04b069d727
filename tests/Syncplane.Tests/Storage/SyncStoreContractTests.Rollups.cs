using System.Text.Json.Nodes;
using Syncplane.Checks;
using Syncplane.Events;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    private RollupQuery Today(string? subject = null, RollupPeriod period = RollupPeriod.Day) =>
        new(period, RollupQuery.Floor(Time.UtcNow, RollupPeriod.Day), RollupQuery.Floor(Time.UtcNow, RollupPeriod.Day).AddDays(1), subject);

    // 20 leased runs of 'docs' taking 10, 20, … 200 ms; every fifth fails, the others write one item; then a refused unleased run.
    private async Task RunTwentyAsync()
    {
        for (var i = 1; i <= 20; i++)
        {
            await Store.EnqueueAsync(Request("docs"), Ct);
            var lease = (await Store.ClaimAsync("w1", Lease, Ct))!;
            Time.Advance(TimeSpan.FromMilliseconds(10 * i));
            await Store.CompleteRunAsync(lease.RunId, i % 5 == 0
                ? Done(lease, RunStatus.Failed, "boom")
                : Done(lease) with { Summary = new PlanSummary(1, 0, 0, 3, 10) }, Ct);
        }

        var refused = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
        await Store.CompleteRunAsync(refused, new RunCompletion { Status = RunStatus.Refused, Message = "too many deletes" }, Ct);
    }

    [Fact]
    public async Task Rollups_AfterRuns_CountOutcomesAndGiveDurationPercentiles_PerHourAndDay()
    {
        await RunTwentyAsync();

        foreach (var period in new[] { RollupPeriod.Hour, RollupPeriod.Day })
        {
            var docs = Assert.Single(await Store.ReadRunRollupsAsync(Today("docs", period), Ct));
            Assert.Equal((21L, 16L, 4L, 1L, 0L, 16L, 16L), (docs.Attempts, docs.Successes, docs.Failures, docs.Refusals, docs.Cancellations, docs.RunsWithChanges, docs.ItemsWritten));
            Assert.Equal((100L, 190L, 200L), (docs.DurationP50Ms!.Value, docs.DurationP95Ms!.Value, docs.DurationMaxMs!.Value));
            Assert.Equal(200L, docs.LatencyMaxMs);
            Assert.Equal(16.0 / 21, docs.SuccessRate);
            Assert.NotNull(docs.LastSuccessAt);
        }

        var window = await Store.SummarizeRunsAsync("docs", Time.UtcNow.AddHours(-1), Time.UtcNow, Ct);
        Assert.Equal((21L, 4L, 190L), (window.Attempts, window.Failures, window.DurationP95Ms!.Value));
        Time.Advance(TimeSpan.FromHours(2));
        var later = await Store.SummarizeRunsAsync("docs", Time.UtcNow.AddHours(-1), Time.UtcNow, Ct);
        Assert.Equal(0L, later.Attempts);
        Assert.True(later.FreshnessAt(Time.UtcNow) >= TimeSpan.FromHours(2), "the last success is carried over from earlier hours");
    }

    [Fact]
    public async Task Rollups_TwoStoresFinishingRunsConcurrently_CountEveryRunExactlyOnce()
    {
        var stores = new[] { Store, Open() };
        const int Targets = 12, RunsEach = 5;
        await Task.WhenAll(Enumerable.Range(0, Targets).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < RunsEach; i++)
            {
                var store = stores[(t + i) % 2];
                var id = await store.StartRunAsync(new NewRun($"t{t}", "cli", "pull", false), Ct);
                await store.CompleteRunAsync(id, new RunCompletion { Status = i == 0 ? RunStatus.Failed : RunStatus.Succeeded, Message = "done" }, Ct);
            }
        })));

        var perTarget = await Store.ReadRunRollupsAsync(Today() with { PerTarget = true }, Ct);
        Assert.Equal(Targets, perTarget.Count);
        Assert.All(perTarget, r => Assert.Equal((5L, 4L, 1L), (r.Attempts, r.Successes, r.Failures)));
        var all = Assert.Single(await Store.ReadRunRollupsAsync(Today(), Ct));
        Assert.Equal((60L, 60L), (all.Attempts, all.DurationCount));
        var hours = await Store.ReadRunRollupsAsync(Today(period: RollupPeriod.Hour), Ct);
        Assert.Equal(60L, hours.Sum(h => h.Attempts));
    }

    [Fact]
    public async Task Rollups_TwoNodesFoldingWhileRunsFinish_FoldEachRunOnce_AndReadsStayExact()
    {
        var stores = new[] { Store, Open() };
        const int Targets = 8, RunsEach = 6;
        var finishing = Task.WhenAll(Enumerable.Range(0, Targets).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < RunsEach; i++)
            {
                var store = stores[(t + i) % 2];
                var id = await store.StartRunAsync(new NewRun($"t{t}", "cli", "pull", false), Ct);
                await store.CompleteRunAsync(id, new RunCompletion { Status = i == 0 ? RunStatus.Failed : RunStatus.Succeeded, Message = "done" }, Ct);
            }
        })));
        long folded = 0;
        var folders = stores.Select(store => Task.Run(async () =>
        {
            while (!finishing.IsCompleted)
            {
                Interlocked.Add(ref folded, await store.FoldRunRollupsAsync(Ct));
            }
        })).ToList();
        await finishing;
        await Task.WhenAll(folders);
        folded += await Store.FoldRunRollupsAsync(Ct);

        Assert.Equal(Targets * RunsEach, folded);
        Assert.Equal(0L, await Store.FoldRunRollupsAsync(Ct));
        var perTarget = await Store.ReadRunRollupsAsync(Today() with { PerTarget = true }, Ct);
        Assert.All(perTarget, r => Assert.Equal((6L, 5L, 1L, 6L), (r.Attempts, r.Successes, r.Failures, r.DurationCount)));
        Assert.Equal(Targets, perTarget.Count);
        var totals = await Store.GetRunStatisticsAsync(null, Ct);
        Assert.Equal(Targets * RunsEach, totals.Groups.Sum(g => g.Count));
    }

    [Fact]
    public async Task Rollups_RunFinishedAfterTheLastFold_CountsInEveryReaderAtOnce()
    {
        await RunTwentyAsync();
        Assert.Equal(21L, Assert.Single(await Store.ReadRunRollupsAsync(Today("docs"), Ct)).Attempts);

        var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
        await Store.CompleteRunAsync(id, new RunCompletion { Status = RunStatus.Succeeded, Message = "late" }, Ct);
        var other = Open(); // another node, which has folded nothing itself

        var window = await other.SummarizeRunsAsync("docs", Time.UtcNow.AddHours(-1), Time.UtcNow.AddHours(1), Ct);
        Assert.Equal((22L, 17L), (window.Attempts, window.Successes));
        var facts = (await other.ListTargetFactsAsync("docs", null, Ct))["docs"];
        Assert.Equal((Time.UtcNow, 0), (facts.LastSuccessAt, facts.ConsecutiveFailures));
        Assert.Equal(22L, Assert.Single(await other.ReadRunRollupsAsync(Today("docs", RollupPeriod.Hour), Ct)).Attempts);
    }

    [Fact]
    public async Task CheckRollups_CountResultsAndLatencyPercentilesPerDay()
    {
        for (var i = 1; i <= 10; i++)
        {
            await Store.RecordCheckResultAsync(new CheckResult
            {
                Name = "site", Kind = "tcp", Status = i <= 8 ? CheckStatus.Healthy : CheckStatus.Down, LatencyMs = i * 10, Message = "m", CheckedAt = Time.UtcNow,
            }, Ct);
        }

        var day = Assert.Single(await Store.ReadCheckRollupsAsync(Today("site"), Ct));
        Assert.Equal((10L, 8L, 2L, 80.0), (day.Samples, day.Healthy, day.Down, day.UptimePercent!.Value));
        Assert.Equal((50L, 100L, 100L), (day.LatencyP50Ms!.Value, day.LatencyP95Ms!.Value, day.LatencyMaxMs!.Value));
    }

    [Fact]
    public async Task PruneAsync_DeletesOldRawRows_KeepsEachTargetsNewestRuns_AndRollupsStillAnswer()
    {
        await RunTwentyAsync();
        await Store.RecordCheckResultAsync(new CheckResult { Name = "site", Kind = "tcp", Status = CheckStatus.Healthy, LatencyMs = 5, Message = "m", CheckedAt = Time.UtcNow }, Ct);
        await Store.RecordCheckResultAsync(new CheckResult { Name = "site", Kind = "tcp", Status = CheckStatus.Healthy, LatencyMs = 7, Message = "m", CheckedAt = Time.UtcNow }, Ct);
        await Store.RecordDeliveryAsync("github", "d-1", Ct);
        await Store.AppendEventAsync(new NewEvent("x.old", null, null, new JsonObject()), Ct);
        var dayBefore = await Store.ReadRunRollupsAsync(Today("docs"), Ct);
        var statisticsBefore = await Store.GetRunStatisticsAsync(null, Ct);
        Time.Advance(TimeSpan.FromDays(100));

        var pruned = await Store.PruneAsync(new RetentionPolicy(), Ct);

        // Kept: the newest succeeded, failed and refused run of docs.
        Assert.Equal(21 - 3, pruned.Runs);
        Assert.Equal(["failed", "refused", "succeeded"], (await Store.ListRunsAsync(new RunQuery("docs"), Ct)).Select(r => StoreText.From(r.Status)).Order());
        Assert.Equal((1, 1), (pruned.CheckResults, pruned.WebhookDeliveries));
        Assert.True(pruned.Events >= 1);
        Assert.Equal(7, Assert.Single(await Store.ListCheckResultsAsync("site", null, 10, Ct)).LatencyMs);
        Assert.True(await Store.RecordDeliveryAsync("github", "d-1", Ct), "a delivery id past retention is forgotten");
        Assert.Equal(dayBefore, await Store.ReadRunRollupsAsync(Today("docs") with { From = Time.UtcNow.AddDays(-101), To = Time.UtcNow }, Ct));
        Assert.Equal(statisticsBefore.Groups, (await Store.GetRunStatisticsAsync(null, Ct)).Groups);
        Assert.Equal(2L, Assert.Single(await Store.ReadCheckRollupsAsync(Today("site") with { From = Time.UtcNow.AddDays(-101), To = Time.UtcNow }, Ct)).Samples);
        Assert.Equal(0, (await Store.PruneAsync(new RetentionPolicy(), Ct)).Total);
    }

    [Fact]
    public async Task PruneAsync_ForgetsRecordEventTimesOlderThanTheDeliveryRetention_KeepsNewerOnesGuarding()
    {
        var old = Time.UtcNow;
        await Store.RecordEventAppliedAsync("lz-inventory", "pubsub", "m-1", "vm-old", old, null, Ct);
        Time.Advance(TimeSpan.FromDays(31));
        var recent = Time.UtcNow.AddDays(-1);
        await Store.RecordEventAppliedAsync("lz-inventory", "pubsub", "m-2", "vm-recent", recent, null, Ct);

        var pruned = await Store.PruneAsync(new RetentionPolicy { WebhookDeliveries = TimeSpan.FromDays(30) }, Ct);

        Assert.Equal(1, pruned.RecordEventTimes);
        Assert.Equal(RecordEventCheck.OutOfOrder, await Store.CheckRecordEventAsync("lz-inventory", "pubsub", "m-3", "vm-recent", recent.AddMinutes(-1), Ct));
        Assert.Equal(RecordEventCheck.Apply, await Store.CheckRecordEventAsync("lz-inventory", "pubsub", "m-4", "vm-old", old.AddMinutes(-1), Ct));
        Assert.Equal(0, (await Store.PruneAsync(new RetentionPolicy { WebhookDeliveries = TimeSpan.FromDays(30) }, Ct)).Total);
    }

    private async Task FinishAsync(string target, RunStatus status, TimeSpan took)
    {
        var id = await Store.StartRunAsync(new NewRun(target, "cli", "pull", false), Ct);
        Time.Advance(took);
        await Store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = "done" }, Ct);
    }

    [Fact]
    public async Task ListTargetFactsAsync_GivesLastSuccess_FailuresSince_LatestRun_AndOutcomesSinceAnInstantWithinAnHour()
    {
        Time.UtcNow = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromMinutes(10)); // 12:10, before the window
        await FinishAsync("docs", RunStatus.Succeeded, TimeSpan.FromMinutes(10)); // 12:20
        var succeededAt = Time.UtcNow;
        var windowStart = Time.UtcNow.AddMinutes(5); // 12:25, inside the hour that holds the runs above
        await FinishAsync("site", RunStatus.Succeeded, TimeSpan.FromMinutes(10)); // 12:30
        Time.Advance(TimeSpan.FromMinutes(50)); // 13:20
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromMinutes(1));
        await FinishAsync("docs", RunStatus.Cancelled, TimeSpan.FromMinutes(1));
        var started = Time.UtcNow;
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromSeconds(30));

        var facts = await Store.ListTargetFactsAsync(null, windowStart, Ct);

        Assert.Equal(["docs", "site"], facts.Keys.Order());
        var docs = facts["docs"];
        Assert.Equal((0, 2, 2), (docs.Succeeded, docs.Failed, docs.ConsecutiveFailures));
        Assert.Equal((succeededAt, started, started, Time.UtcNow), (docs.LastSuccessAt!.Value, docs.LatestQueuedAt!.Value, docs.LatestStartedAt!.Value, docs.LatestFinishedAt!.Value));
        Assert.Equal((1, 0, 0), (facts["site"].Succeeded, facts["site"].Failed, facts["site"].ConsecutiveFailures));
        var all = await Store.ListTargetFactsAsync(null, windowStart.AddMinutes(-20), Ct); // 12:05: the first failure and the success count too
        Assert.Equal((1, 3), (all["docs"].Succeeded, all["docs"].Failed));
        var one = Assert.Single(await Store.ListTargetFactsAsync("site", null, Ct));
        Assert.Equal(("site", 0, 0), (one.Key, one.Value.Succeeded, one.Value.ConsecutiveFailures));
    }

    [Fact]
    public async Task ReadRunRollupsAsync_AllTargets_ClosedDaysComeFromMemory_TheOpenDayFromTheStore()
    {
        var days = new RollupQuery(RollupPeriod.Day, RollupQuery.Floor(Time.UtcNow, RollupPeriod.Day), RollupQuery.Floor(Time.UtcNow, RollupPeriod.Day).AddDays(3));
        await FinishAsync("docs", RunStatus.Succeeded, TimeSpan.FromSeconds(1));
        Assert.Equal([1L], (await Store.ReadRunRollupsAsync(days, Ct)).Select(d => d.Attempts));
        Time.Advance(TimeSpan.FromDays(1));
        await FinishAsync("docs", RunStatus.Failed, TimeSpan.FromSeconds(1));

        var first = await Store.ReadRunRollupsAsync(days, Ct);
        await FinishAsync("site", RunStatus.Succeeded, TimeSpan.FromSeconds(1));
        var second = await Store.ReadRunRollupsAsync(days, Ct);

        Assert.Equal([(1L, 1L, 0L), (1L, 0L, 1L)], first.Select(d => (d.Attempts, d.Successes, d.Failures)));
        Assert.Equal([(1L, 1L, 0L), (2L, 1L, 1L)], second.Select(d => (d.Attempts, d.Successes, d.Failures)));
        Assert.Equal(second, await Open().ReadRunRollupsAsync(days, Ct));
    }
}
