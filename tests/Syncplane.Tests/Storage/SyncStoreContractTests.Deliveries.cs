using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task AcceptDeliveryAsync_RecordsTheEventAndQueuesTheRuns_AndARedeliveryChangesNothing()
    {
        var existing = await Store.EnqueueAsync(Request("docs"), Ct);
        var received = new NewEvent(EventTypes.WebhookReceived, null, null, new JsonObject { ["delivery_id"] = "d-1" });
        RunRequest[] runs = [Request("docs", trigger: "webhook:github", priority: RunPriority.Event), Request("site", trigger: "webhook:github", priority: RunPriority.Event)];

        var first = await Store.AcceptDeliveryAsync("github", "d-1", received, runs, Ct);
        var lastId = await Store.GetLastEventIdAsync(Ct);
        var again = await Open().AcceptDeliveryAsync("github", "d-1", received, runs, Ct);

        Assert.NotNull(first);
        Assert.Equal([(existing.RunId, true), (first[1].RunId, false)], first.Select(r => (r.RunId, r.Coalesced)));
        var events = await Store.ReadEventsAsync(0, 100, Ct);
        Assert.Equal(["run.queued", "webhook.received", "run.queued", "run.queued"], events.Select(e => e.Type));
        Assert.Null(again);
        Assert.Equal(lastId, await Store.GetLastEventIdAsync(Ct));
        Assert.Equal(2, (await Store.ListRunsAsync(new RunQuery(Limit: 10), Ct)).Count);
        Assert.False(await Store.RecordDeliveryAsync("github", "d-1", Ct));
    }

    [Fact]
    public async Task AcceptDeliveryAsync_WithoutADeliveryId_AlwaysRecords()
    {
        var received = new NewEvent(EventTypes.WebhookReceived, null, null, new JsonObject());

        Assert.NotNull(await Store.AcceptDeliveryAsync("generic", null, received, [], Ct));
        Assert.NotNull(await Store.AcceptDeliveryAsync("generic", null, received, [], Ct));
        Assert.Equal(2, (await Store.ReadEventsAsync(0, 100, Ct)).Count(e => e.Type == EventTypes.WebhookReceived));
    }

    [Fact]
    public async Task AcceptDeliveryAsync_ManyAtOnceWithRedeliveries_AcceptsEachDeliveryExactlyOnce()
    {
        // 60 deliveries, each sent twice at the same moment: they share transactions, and each id still counts once.
        var calls = Enumerable.Range(0, 120).Select(i => (Id: $"d-{i % 60}", Target: $"t-{i % 7}")).ToList();

        var results = await Task.WhenAll(calls.Select(c => Task.Run(() => Store.AcceptDeliveryAsync(
            "github", c.Id, new NewEvent(EventTypes.WebhookReceived, c.Target, null, new JsonObject { ["delivery_id"] = c.Id }),
            [Request(c.Target, trigger: "webhook:github", priority: RunPriority.Event)], Ct))));

        var accepted = calls.Zip(results).Where(p => p.Second is not null).Select(p => p.First.Id).ToList();
        Assert.Equal(60, accepted.Count);
        Assert.Equal(60, accepted.Distinct().Count());
        var received = (await Store.ReadEventsAsync(0, 1000, Ct)).Where(e => e.Type == EventTypes.WebhookReceived).ToList();
        Assert.Equal(accepted.Order(StringComparer.Ordinal), received.Select(e => JsonNode.Parse(e.Data)!["delivery_id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var runs = await Store.ListRunsAsync(new RunQuery(Limit: 100), Ct);
        Assert.Equal(7, runs.Count); // one queued run per target; the rest coalesced into it
        Assert.All(results.Where(r => r is not null), r => Assert.Contains(r![0].RunId, runs.Select(run => run.Id)));
    }
}
