using Syncplane.Events;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task RequestCancelAsync_QueuedRun_EndsCancelledAtOnceWithWhoAskedAndAnEvent()
    {
        var queued = await Store.EnqueueAsync(Request("docs", "manual", RunPriority.Manual), Ct);

        var outcome = await Store.RequestCancelAsync(queued.RunId, "token:alice", Ct);

        Assert.Equal(CancelOutcome.Cancelled, outcome);
        var run = (await Store.GetRunAsync(queued.RunId, Ct))!;
        Assert.Equal((RunStatus.Cancelled, "cancelled by token:alice", Time.UtcNow), (run.Status, run.Message, run.FinishedAt));
        Assert.Null(await Store.ClaimAsync("w1", Lease, Ct));
        var events = await Store.ReadEventsAsync(0, 100, Ct);
        Assert.Contains(events, e => e.Type == EventTypes.RunCancelled && e.RunId == queued.RunId);
    }

    [Fact]
    public async Task RequestCancelAsync_RunningRun_IsFlaggedForItsWorker_AndStaysRunning()
    {
        var queued = await Store.EnqueueAsync(Request("docs"), Ct);
        var lease = (await Store.ClaimAsync("w1", Lease, Ct))!;
        Assert.Null(await Store.GetCancelRequestAsync(lease.RunId, Ct));

        var outcome = await Open().RequestCancelAsync(queued.RunId, "token:bob", Ct);

        Assert.Equal(CancelOutcome.Requested, outcome);
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync(queued.RunId, Ct))!.Status);
        Assert.Equal("token:bob", await Store.GetCancelRequestAsync(lease.RunId, Ct));
        Assert.True(await Store.RenewLeaseAsync(lease.RunId, lease.Fence, Lease, Ct));
        Assert.True(await Store.CompleteRunAsync(lease.RunId, Done(lease, RunStatus.Cancelled, "cancelled by token:bob"), Ct));
        Assert.Null(await Store.GetCancelRequestAsync(lease.RunId, Ct));
    }

    [Fact]
    public async Task RequestCancelAsync_FinishedOrUnknownRun_ChangesNothing()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var lease = (await Store.ClaimAsync("w1", Lease, Ct))!;
        await Store.CompleteRunAsync(lease.RunId, Done(lease), Ct);

        Assert.Equal(CancelOutcome.AlreadyFinished, await Store.RequestCancelAsync(lease.RunId, "token:alice", Ct));
        Assert.Equal(CancelOutcome.NotFound, await Store.RequestCancelAsync(lease.RunId + 100, "token:alice", Ct));
        var run = (await Store.GetRunAsync(lease.RunId, Ct))!;
        Assert.Equal((RunStatus.Succeeded, "ok"), (run.Status, run.Message));
    }

    [Fact]
    public async Task GetRunStatisticsAsync_CountsRunsByTargetAndStatus_SumsDurations_AndMeasuresTheQueue()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var first = (await Store.ClaimAsync("w1", Lease, Ct))!;
        Time.Advance(TimeSpan.FromSeconds(3));
        await Store.CompleteRunAsync(first.RunId, Done(first), Ct);
        await Store.EnqueueAsync(Request("docs"), Ct);
        var second = (await Store.ClaimAsync("w1", Lease, Ct))!;
        Time.Advance(TimeSpan.FromSeconds(5));
        await Store.CompleteRunAsync(second.RunId, Done(second, RunStatus.Failed, "boom"), Ct);
        Time.Advance(TimeSpan.FromHours(1)); // finished runs count by the hour they finished in
        var dueSince = Time.UtcNow;
        await Store.EnqueueAsync(Request("site"), Ct);
        await Store.EnqueueAsync(Request("later", delay: TimeSpan.FromHours(1)), Ct);
        Time.Advance(TimeSpan.FromSeconds(7));

        var all = await Store.GetRunStatisticsAsync(null, Ct);
        var recent = await Store.GetRunStatisticsAsync(dueSince, Ct);

        Assert.Equal(
            [("docs", RunStatus.Succeeded, 1L), ("docs", RunStatus.Failed, 1L), ("later", RunStatus.Queued, 1L), ("site", RunStatus.Queued, 1L)],
            all.Groups.OrderBy(g => g.Target, StringComparer.Ordinal).ThenBy(g => g.Status == RunStatus.Failed).Select(g => (g.Target, g.Status, g.Count)));
        Assert.Equal([("docs", 8.0, 2L)], all.Durations.Select(d => (d.Target, Math.Round(d.Seconds, 3), d.Count)));
        Assert.Equal((1, dueSince), (all.QueueDepth, all.OldestDueAt));
        Assert.Equal(["later", "site"], recent.Groups.Select(g => g.Target).Order(StringComparer.Ordinal));
    }
}
