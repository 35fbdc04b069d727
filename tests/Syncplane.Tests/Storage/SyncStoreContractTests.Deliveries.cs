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
}
