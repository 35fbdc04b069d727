using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

/// <summary>Batches of webhook deliveries written in one transaction, as the store's group commit writes them.</summary>
public abstract partial class SyncStoreContractTests
{
    /// <summary>Makes every insert of a run of <paramref name="target"/> fail (a database trigger), or stops it.</summary>
    protected abstract Task FailRunInsertsOfAsync(string target, bool fail);

    private protected static SqlSyncStore.Delivery Push(string? id, params RunRequest[] runs) =>
        new("github", id, new NewEvent(EventTypes.WebhookReceived, null, null, new JsonObject { ["delivery_id"] = id }), runs);

    private protected RunRequest Webhook(string target) => new(target, "webhook:github", RunPriority.Event, Time.GetUtcNow());

    private protected Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> WriteBatchAsync(params SqlSyncStore.Delivery[] batch) =>
        ((SqlSyncStore)Store).AcceptDeliveryBatchAsync(batch);

    private protected async Task<List<string>> ReceivedIdsAsync() =>
        [.. (await Store.ReadEventsAsync(0, 1000, Ct)).Where(e => e.Type == EventTypes.WebhookReceived)
            .Select(e => JsonNode.Parse(e.Data)!["delivery_id"]?.GetValue<string>() ?? "(none)").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task DeliveryBatch_WithAnIdTwiceInIt_AnIdOfAnEarlierBatch_AndADeliveryMatchingNothing_AcceptsEachIdOnceAndQueuesOneRunPerTarget()
    {
        var site = await Store.EnqueueAsync(Webhook("site"), Ct);
        var earlier = await WriteBatchAsync(Push("d-1", Webhook("docs")));

        var results = await WriteBatchAsync(
            Push("d-2", Webhook("docs")), Push("d-1", Webhook("docs")), Push("d-3", Webhook("site"), Webhook("api")), Push("d-2", Webhook("site")),
            Push("d-4"), Push(null, Webhook("api")));

        var docs = earlier[0]![0].RunId;
        Assert.Equal(new EnqueueResult(docs, false), earlier[0]![0]);
        Assert.Null(results[1]); // d-1 came in the earlier batch
        Assert.Null(results[3]); // d-2 is already in this batch
        Assert.Equal([new EnqueueResult(docs, true)], results[0]);
        var api = results[2]![1].RunId;
        Assert.Equal([new EnqueueResult(site.RunId, true), new EnqueueResult(api, false)], results[2]);
        Assert.Equal([], results[4]); // matched nothing: recorded, queues nothing
        Assert.Equal([new EnqueueResult(api, true)], results[5]);

        Assert.Equal(["(none)", "d-1", "d-2", "d-3", "d-4"], await ReceivedIdsAsync());
        var runs = await Store.ListRunsAsync(new RunQuery(Limit: 10), Ct);
        Assert.Equal(["api", "docs", "site"], runs.Select(r => r.Target).Order(StringComparer.Ordinal));
        Assert.All(runs, r => Assert.Equal(RunStatus.Queued, r.Status));
        var queued = (await Store.ReadEventsAsync(0, 1000, Ct)).Where(e => e.Type == EventTypes.RunQueued)
            .Select(e => (e.Target, e.RunId, JsonNode.Parse(e.Data)!["coalesced"]!.GetValue<bool>())).ToList();
        Assert.Equal([("site", site.RunId, false), ("docs", docs, false), ("api", api, false), ("api", api, true), ("docs", docs, true), ("site", site.RunId, true)], queued);

        // Every id of both batches again, in one batch: nothing new.
        var lastEvent = await Store.GetLastEventIdAsync(Ct);
        var again = await WriteBatchAsync(Push("d-3", Webhook("site")), Push("d-1", Webhook("docs")), Push("d-4"), Push("d-2", Webhook("docs")));
        Assert.All(again, Assert.Null);
        Assert.Equal(lastEvent, await Store.GetLastEventIdAsync(Ct));
    }

    [Fact]
    public async Task DeliveryBatch_RedeliveriesOfAnEarlierBatch_ForTargetsWithNothingQueued_QueueOnlyWhatTheNewDeliveriesAsk()
    {
        // The earlier batch's runs are running, so neither target has a queued run when the redeliveries come.
        await WriteBatchAsync(Push("d-1", Webhook("docs")), Push("d-2", new RunRequest("site", "manual", RunPriority.Manual, Time.GetUtcNow(), DryRun: true)));
        var running = new[] { await Store.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct), await Store.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct) };
        Assert.All(running, Assert.NotNull);
        var lastEvent = await Store.GetLastEventIdAsync(Ct);

        var results = await WriteBatchAsync(
            Push("d-1", Webhook("docs")), Push("d-2", new RunRequest("site", "manual", RunPriority.Manual, Time.GetUtcNow(), DryRun: true)), Push("d-3", Webhook("site")));

        Assert.Null(results[0]);
        Assert.Null(results[1]);
        var site = Assert.Single(results[2]!);
        Assert.False(site.Coalesced);
        var queued = Assert.Single(await Store.ListRunsAsync(new RunQuery(Status: RunStatus.Queued, Limit: 10), Ct));
        Assert.Equal((site.RunId, "site", "webhook:github", RunPriority.Event, false), (queued.Id, queued.Target, queued.Trigger, queued.Priority, queued.DryRun));
        Assert.Equal(["webhook:github"], queued.Triggers);
        var added = (await Store.ReadEventsAsync(lastEvent, 100, Ct)).Select(e => (e.Type, e.Target, e.RunId)).ToList();
        Assert.Equal([(EventTypes.WebhookReceived, null, null), (EventTypes.RunQueued, "site", site.RunId)], added);
    }

    [Fact]
    public async Task DeliveryBatch_FailingMidWay_LeavesNothing_AndTheSameBatchAgainIsAcceptedOnce()
    {
        await FailRunInsertsOfAsync("poison", fail: true);
        SqlSyncStore.Delivery[] batch = [Push("d-1", Webhook("docs")), Push("d-2"), Push("d-3", Webhook("poison"))];

        await Assert.ThrowsAnyAsync<Exception>(() => WriteBatchAsync(batch));

        Assert.Empty(await Store.ReadEventsAsync(0, 100, Ct));
        Assert.Empty(await Store.ListRunsAsync(new RunQuery(Limit: 10), Ct));
        await FailRunInsertsOfAsync("poison", fail: false);
        var retried = await WriteBatchAsync(batch);
        Assert.All(retried, Assert.NotNull);
        Assert.All(await WriteBatchAsync(batch), Assert.Null);
        Assert.Equal(["d-1", "d-2", "d-3"], await ReceivedIdsAsync());
        Assert.Equal(["docs", "poison"], (await Store.ListRunsAsync(new RunQuery(Limit: 10), Ct)).Select(r => r.Target).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeliveryBatch_CoalescesLikeOneEnqueueAfterAnother()
    {
        // A target with a retry in backoff and one with nothing queued, each written twice: by one batch, and by enqueues one by one.
        foreach (var target in new[] { "retry-batch", "retry-single" })
        {
            await Store.EnqueueAsync(Webhook(target), Ct);
            var lease = (await Store.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct))!;
            await Store.RequeueAsync(lease.RunId, lease.Fence, Time.UtcNow.AddMinutes(5), "retry after: flaky", countAttempt: true, null, Ct);
        }

        RunRequest[] Requests(string target) =>
        [
            new(target, "schedule", RunPriority.Scheduled, Time.GetUtcNow().AddMinutes(1), DryRun: true),
            new(target, "webhook:github", RunPriority.Event, Time.GetUtcNow()) { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
            new(target, "schedule", RunPriority.Scheduled, Time.GetUtcNow().AddMinutes(-1)) { Resync = true },
            new(target, "manual", RunPriority.Manual, Time.GetUtcNow(), DryRun: true),
        ];
        foreach (var kind in new[] { "retry", "new" })
        {
            await WriteBatchAsync([.. Requests($"{kind}-batch").Select((r, i) => Push($"{kind}-{i}", r))]);
            foreach (var request in Requests($"{kind}-single"))
            {
                await Store.EnqueueAsync(request, Ct);
            }
        }

        var runs = (await Store.ListRunsAsync(new RunQuery(Status: RunStatus.Queued, Limit: 10), Ct)).ToDictionary(r => r.Target);
        var events = (await Store.ReadEventsAsync(0, 1000, Ct)).Where(e => e.Type == EventTypes.RunQueued).ToList();
        foreach (var kind in new[] { "retry", "new" })
        {
            var (batch, single) = (runs[$"{kind}-batch"], runs[$"{kind}-single"]);
            Assert.Equal(
                (single.Trigger, string.Join(",", single.Triggers), single.Priority, single.NotBefore, single.DryRun, single.Attempt, single.Direction),
                (batch.Trigger, string.Join(",", batch.Triggers), batch.Priority, batch.NotBefore, batch.DryRun, batch.Attempt, batch.Direction));
            Assert.Equal(QueuedData(events, $"{kind}-single").TakeLast(4), QueuedData(events, $"{kind}-batch").TakeLast(4));
        }

        // What a claim hands the worker: the first request's trace parent, and resync from any request.
        var leases = new List<RunLease>();
        while (await Store.ClaimAsync("w2", TimeSpan.FromMinutes(1), Ct) is { } lease)
        {
            leases.Add(lease);
        }

        Assert.Equal(4, leases.Count);
        Assert.All(leases, l => Assert.Equal(("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true), (l.TraceParent, l.Resync)));
    }

    // A target's run.queued events' data without the run id and target.
    private static List<string> QueuedData(IEnumerable<SyncEvent> events, string target) =>
        [.. events.Where(e => e.Target == target).Select(e =>
        {
            var data = JsonNode.Parse(e.Data)!.AsObject();
            data.Remove("run_id");
            data.Remove("target");
            return data.ToJsonString();
        })];
}
