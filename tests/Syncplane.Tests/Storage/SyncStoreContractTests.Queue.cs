using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private RunRequest Request(string target, string trigger = "schedule", RunPriority priority = RunPriority.Scheduled, TimeSpan? delay = null) =>
        new(target, trigger, priority, Time.UtcNow + (delay ?? TimeSpan.Zero));

    private static RunCompletion Done(RunLease lease, RunStatus status = RunStatus.Succeeded, string message = "ok") =>
        new() { Status = status, Message = message, Fence = lease.Fence };

    [Fact]
    public async Task EnqueueAsync_SecondTriggerForAQueuedTarget_CoalescesIntoOneRowRecordingBoth()
    {
        var first = await Store.EnqueueAsync(Request("docs", "schedule", delay: TimeSpan.FromMinutes(1)), Ct);
        var second = await Open().EnqueueAsync(Request("docs", "webhook", RunPriority.Event), Ct);
        var again = await Store.EnqueueAsync(Request("docs", "schedule"), Ct);

        Assert.False(first.Coalesced);
        Assert.Equal(new EnqueueResult(first.RunId, true), second);
        Assert.Equal(new EnqueueResult(first.RunId, true), again);
        var run = Assert.Single(await Store.ListRunsAsync(new RunQuery("docs"), Ct));
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal(["schedule", "webhook"], run.Triggers);
        Assert.Equal(("webhook", RunPriority.Event, 0), (run.Trigger, run.Priority, run.Attempt));
        Assert.Equal(Time.UtcNow, run.NotBefore);
        Assert.Null(run.StartedAt);
        Assert.Equal(1, await Store.CountQueuedAsync(Ct));
    }

    [Fact]
    public async Task EnqueueAsync_RecoverableRequest_IsQueuedCoalescedAndClaimedLikeAnyOther()
    {
        var watched = await Store.EnqueueAsync(Request("docs", "watch") with { Recoverable = true }, Ct);
        var scheduled = await Store.EnqueueAsync(Request("docs"), Ct);
        var again = await Open().EnqueueAsync(Request("docs", "watch") with { Recoverable = true }, Ct);

        Assert.Equal(new EnqueueResult(watched.RunId, true), scheduled);
        Assert.Equal(new EnqueueResult(watched.RunId, true), again);
        var lease = await Open().ClaimAsync("w1", Lease, Ct); // another process sees the commit
        Assert.Equal((watched.RunId, "docs"), (lease!.RunId, lease.Target));
        Assert.Equal(["watch", "schedule"], Assert.Single(await Store.ListRunsAsync(new RunQuery("docs"), Ct)).Triggers);
    }

    [Fact]
    public async Task ClaimAsync_ManualPriority_IsClaimedBeforeOlderScheduledWork()
    {
        var scheduled = await Store.EnqueueAsync(Request("old"), Ct);
        Time.Advance(TimeSpan.FromMinutes(5));
        var manual = await Store.EnqueueAsync(Request("new", "manual", RunPriority.Manual), Ct);

        var firstClaim = await Store.ClaimAsync("w1", Lease, Ct);
        var secondClaim = await Store.ClaimAsync("w1", Lease, Ct);

        Assert.Equal(manual.RunId, firstClaim?.RunId);
        Assert.Equal(scheduled.RunId, secondClaim?.RunId);
        Assert.Null(await Store.ClaimAsync("w1", Lease, Ct));
    }

    [Fact]
    public async Task ClaimAsync_FindingNothing_LeavesTheEventLogVersion_WhichTheAPIsTelemetryCacheKeysOn()
    {
        var idle = Store.EventLogVersion;
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await Store.ClaimAsync("w1", Lease, Ct)); // an idle worker's poll
        }

        Assert.Equal(idle, Store.EventLogVersion);
        await Store.EnqueueAsync(Request("docs"), Ct);
        var queued = Store.EventLogVersion;
        Assert.NotNull(await Store.ClaimAsync("w1", Lease, Ct));
        Assert.True(Store.EventLogVersion > queued, "a claim that started a run appended run.started");
    }

    [Fact]
    public async Task CompleteAndClaimAsync_RecordsTheEnd_AndHandsTheWorkerItsNextRun()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var next = await Store.EnqueueAsync(Request("site"), Ct);
        var lease = await Store.ClaimAsync("w1", Lease, Ct);

        var (completed, nextLease) = await Store.CompleteAndClaimAsync(lease!.RunId, Done(lease, message: "wrote 1") with { Log = [new(Time.UtcNow, Syncplane.Engine.LogLevel.Info, "copied a")] }, "w1", Lease, Ct);

        Assert.True(completed);
        Assert.Equal(new RunLease(next.RunId, "site", 1, 1, "schedule", "pull", false, Time.UtcNow + Lease), nextLease);
        var done = await Store.GetRunAsync(lease.RunId, Ct);
        Assert.Equal((RunStatus.Succeeded, "wrote 1"), (done!.Status, done.Message));
        Assert.Equal(["copied a"], (await Store.GetLogAsync(lease.RunId, Ct)).Select(l => l.Message));
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync(next.RunId, Ct))!.Status);
        var events = await Store.ReadEventsAsync(0, 100, Ct);
        Assert.Equal(["run.started", "run.succeeded", "run.started"], events.Where(e => e.Type != "run.queued").Select(e => e.Type));
        Assert.Null((await Store.CompleteAndClaimAsync(nextLease!.RunId, Done(nextLease), "w1", Lease, Ct)).Next);
    }

    [Fact]
    public async Task CompleteAndClaimAsync_WithAFenceThatMovedOn_RecordsNothingButStillClaims()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var stale = await Store.ClaimAsync("w1", Lease, Ct);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Store.RecoverExpiredLeasesAsync(Ct));

        var (completed, next) = await Store.CompleteAndClaimAsync(stale!.RunId, Done(stale), "w2", Lease, Ct);

        Assert.False(completed);
        Assert.Equal((stale.RunId, stale.Fence + 2, 2), (next?.RunId, next?.Fence, next?.Attempt));
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync(stale.RunId, Ct))!.Status);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.CompleteAndClaimAsync(next!.RunId, new RunCompletion { Status = RunStatus.Succeeded, Message = "no fence" }, "w2", Lease, Ct));
    }

    [Fact]
    public async Task PrepareQueueAsync_ChangesNothing_AndTheFirstClaimAndCompletionWorkAsUsual()
    {
        var queued = await Store.EnqueueAsync(Request("docs"), Ct);
        await Store.EnqueueAsync(Request("site"), Ct);
        var eventsBefore = await Store.ReadEventsAsync(0, 100, Ct);

        await Store.PrepareQueueAsync("w1", Lease, Ct);
        await Open().PrepareQueueAsync("w2", Lease, Ct);

        var run = await Store.GetRunAsync(queued.RunId, Ct);
        Assert.Equal((RunStatus.Queued, 0, 0L, (string?)null), (run!.Status, run.Attempt, run.Fence, run.WorkerId));
        Assert.Equal(eventsBefore, await Store.ReadEventsAsync(0, 100, Ct));
        Assert.Equal(2, await Store.CountQueuedAsync(Ct));
        var lease = await Store.ClaimAsync("w1", Lease, Ct);
        Assert.Equal((queued.RunId, 1L, 1), (lease?.RunId, lease?.Fence, lease?.Attempt));
        var (completed, next) = await Store.CompleteAndClaimAsync(lease!.RunId, Done(lease), "w1", Lease, Ct);
        Assert.True(completed);
        Assert.Equal("site", next?.Target);
    }

    [Fact]
    public async Task ClaimAsync_SetsLeaseFenceAndAttempt_AndWaitsForNotBefore()
    {
        var queued = await Store.EnqueueAsync(Request("docs", "webhook", delay: TimeSpan.FromMinutes(2)) with { Direction = "push", DryRun = true }, Ct);
        Assert.Null(await Store.ClaimAsync("w1", Lease, Ct));
        Assert.Equal(0, await Store.CountQueuedAsync(Ct));

        Time.Advance(TimeSpan.FromMinutes(2));
        var lease = await Store.ClaimAsync("w1", Lease, Ct);

        Assert.Equal(new RunLease(queued.RunId, "docs", 1, 1, "webhook", "push", true, Time.UtcNow + Lease), lease);
        var run = await Store.GetRunAsync(queued.RunId, Ct);
        Assert.Equal((RunStatus.Running, 1, 1L, Time.UtcNow), (run?.Status, run?.Attempt, run?.Fence, run?.StartedAt));
    }

    [Fact]
    public async Task ClaimAsync_TargetAlreadyRunning_LeavesItsQueuedRunUntilTheRunningOneEnds()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var running = await Store.ClaimAsync("w1", Lease, Ct);
        var next = await Store.EnqueueAsync(Request("docs", "webhook"), Ct);
        var direct = await Store.StartRunAsync(new NewRun("other", "cli", "pull", false), Ct);
        await Store.EnqueueAsync(Request("other"), Ct);

        Assert.False(next.Coalesced);
        Assert.Null(await Store.ClaimAsync("w2", Lease, Ct));

        Assert.True(await Store.CompleteRunAsync(running!.RunId, Done(running), Ct));
        Assert.Equal(next.RunId, (await Store.ClaimAsync("w2", Lease, Ct))?.RunId);
        await Store.CompleteRunAsync(direct, new RunCompletion { Status = RunStatus.Succeeded, Message = "ok" }, Ct);
        Assert.Equal("other", (await Store.ClaimAsync("w2", Lease, Ct))?.Target);
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentClaims_NeverReturnTheSameRunNorTwoRunsOfOneTarget()
    {
        foreach (var target in new[] { "a", "b", "c", "d" })
        {
            await Store.EnqueueAsync(Request(target), Ct);
        }

        var stores = new[] { Store, Open(), Open() };
        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => stores[i % 3].ClaimAsync($"w{i}", Lease, Ct))));

        var won = claims.OfType<RunLease>().ToList();
        Assert.Equal(4, won.Count);
        Assert.Equal(4, won.Select(l => l.RunId).Distinct().Count());
        Assert.Equal(["a", "b", "c", "d"], won.Select(l => l.Target).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RenewLeaseAsync_KeepsTheRunFromBeingRecovered()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var lease = (await Store.ClaimAsync("w1", Lease, Ct))!;

        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await Store.RenewLeaseAsync(lease.RunId, lease.Fence, Lease, Ct));
        Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(0, await Store.RecoverExpiredLeasesAsync(Ct));
        Assert.False(await Store.RenewLeaseAsync(lease.RunId, lease.Fence + 1, Lease, Ct));
        Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, await Store.RecoverExpiredLeasesAsync(Ct));
    }

    [Fact]
    public async Task ExpiredLease_IsRecoveredAndReclaimedWithANewFence_AndTheOldWorkerCanNoLongerWrite()
    {
        var queued = await Store.EnqueueAsync(Request("docs"), Ct);
        var old = (await Store.ClaimAsync("w1", Lease, Ct))!;
        Time.Advance(Lease);

        Assert.Equal(1, await Open().RecoverExpiredLeasesAsync(Ct));
        var recovered = await Store.GetRunAsync(queued.RunId, Ct);
        Assert.Equal((RunStatus.Queued, 1), (recovered?.Status, recovered?.Attempt));
        var fresh = (await Store.ClaimAsync("w2", Lease, Ct))!;

        Assert.Equal(queued.RunId, fresh.RunId);
        Assert.Equal(2, fresh.Attempt);
        Assert.True(fresh.Fence > old.Fence);
        Assert.False(await Store.RenewLeaseAsync(old.RunId, old.Fence, Lease, Ct));
        Assert.False(await Store.CompleteRunAsync(old.RunId, Done(old, RunStatus.Failed, "stale worker"), Ct));
        Assert.False(await Store.RequeueAsync(old.RunId, old.Fence, Time.UtcNow, "stale", countAttempt: true, null, Ct));
        var run = await Store.GetRunAsync(queued.RunId, Ct);
        Assert.Equal((RunStatus.Running, fresh.Fence, 2, (string?)null), (run?.Status, run?.Fence, run?.Attempt, run?.Message));

        Assert.True(await Store.CompleteRunAsync(fresh.RunId, Done(fresh), Ct));
        Assert.Equal(RunStatus.Succeeded, (await Store.GetRunAsync(queued.RunId, Ct))?.Status);
        Assert.False(await Store.CompleteRunAsync(fresh.RunId, Done(fresh, RunStatus.Failed), Ct));
    }

    [Fact]
    public async Task CompleteRunAsync_UnknownRunWithAFence_Throws() =>
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Store.CompleteRunAsync(424242, new RunCompletion { Status = RunStatus.Failed, Message = "x", Fence = 1 }, Ct));

    [Fact]
    public async Task RequeueAsync_RetryWaitsOutItsBackoff_AndCountsTheAttempt()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var first = (await Store.ClaimAsync("w1", Lease, Ct))!;

        Assert.True(await Store.RequeueAsync(first.RunId, first.Fence, Time.UtcNow.AddSeconds(5), "retry after: boom", countAttempt: true, null, Ct));

        Assert.Null(await Store.ClaimAsync("w1", Lease, Ct));
        Time.Advance(TimeSpan.FromSeconds(5));
        var second = await Store.ClaimAsync("w1", Lease, Ct);
        Assert.Equal((first.RunId, 2), (second?.RunId, second?.Attempt));
    }

    [Fact]
    public async Task RequeueAsync_WithoutCountingTheAttempt_GivesItBack()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var first = (await Store.ClaimAsync("w1", Lease, Ct))!;

        Assert.True(await Store.RequeueAsync(first.RunId, first.Fence, Time.UtcNow, "shutting down", countAttempt: false, null, Ct));

        Assert.Equal(0, (await Store.GetRunAsync(first.RunId, Ct))?.Attempt);
        Assert.Equal(1, (await Open().ClaimAsync("w2", Lease, Ct))?.Attempt);
    }

    [Fact]
    public async Task EnqueueAsync_NewTriggerDuringRetryBackoff_SupersedesTheRetryWithAFreshAttemptDueNow()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var failed = (await Store.ClaimAsync("w1", Lease, Ct))!;
        await Store.RequeueAsync(failed.RunId, failed.Fence, Time.UtcNow.AddMinutes(5), "retry after: bad revision", countAttempt: true, null, Ct);

        var fix = await Store.EnqueueAsync(Request("docs", "webhook"), Ct);

        Assert.Equal(new EnqueueResult(failed.RunId, true), fix);
        var run = await Store.GetRunAsync(failed.RunId, Ct);
        Assert.Equal((0, Time.UtcNow, "webhook"), (run?.Attempt, run?.NotBefore, run?.Trigger));
        var fresh = await Store.ClaimAsync("w1", Lease, Ct);
        Assert.Equal((failed.RunId, 1), (fresh?.RunId, fresh?.Attempt));
    }

    [Fact]
    public async Task RequeueAsync_WhenANewerRunIsQueued_EndsThisOneAsSupersededByIt()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var running = (await Store.ClaimAsync("w1", Lease, Ct))!;
        var newer = await Store.EnqueueAsync(Request("docs", "webhook"), Ct);

        Assert.True(await Store.RequeueAsync(running.RunId, running.Fence, Time.UtcNow.AddSeconds(5), "retry after: boom", countAttempt: true, null, Ct));

        var ended = await Store.GetRunAsync(running.RunId, Ct);
        Assert.Equal(RunStatus.Failed, ended?.Status);
        Assert.Contains($"superseded by queued run {newer.RunId}", ended?.Message, StringComparison.Ordinal);
        Assert.Equal(newer.RunId, (await Store.ClaimAsync("w1", Lease, Ct))?.RunId);
    }
}
