using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Documents;

public abstract partial class DocumentServingContract
{
    private const string Vm = "//compute.googleapis.com/projects/lz-prod/zones/europe-west1-b/instances/portal-1";
    private const string Instance = "compute.googleapis.com/Instance";

    [Fact]
    public async Task SignedPubSubPush_PatchesTheDocument_SseClientGetsRecordChanged_ReplayOnce_OlderAfterNewerIgnored()
    {
        await using var api = new FakeCloudAsset().WithLandingZone();
        await using var server = await StartAsync(api, TimeProvider.System);
        using var viewer = server.Client(ApiRole.Viewer);
        using var pubsub = server.Client();
        var synced = await SyncAsync(server, viewer);
        var runsBefore = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/runs?target=lz-state")).GetProperty("items").GetArrayLength();
        await using var stream = await SseClient.ConnectAsync(viewer, "/api/v1/events?type=record.changed");

        var created = AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "RUNNING", "2026-03-01T12:00:05.123456789Z"), "9001");
        var applied = await PostAsync(pubsub, created);
        Assert.Equal(("created", Vm), (applied.GetProperty("result").GetString(), applied.GetProperty("key").GetString()));
        var changed = await stream.WaitForAsync(e => e.Type == "record.changed", "record.changed for the new VM");
        Assert.Equal("lz-state", changed.Match.Target);
        Assert.Equal(("created", "resource_created", Vm, "vms"), (Text(changed.Match.Data, "change"), Text(changed.Match.Data, "event"), Text(changed.Match.Data, "key"), Text(changed.Match.Data, "group")));
        var document = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/documents/lz-state")).GetProperty("document");
        var vm = document.GetProperty("vms").EnumerateArray().Single();
        Assert.Equal(("RUNNING", "projects/000000000000", "europe-west1-b", "portal-1"), (Text(vm, "state"), Text(vm, "project"), Text(vm, "location"), Text(vm, "displayName")));
        Assert.Equal(1, document.GetProperty("counts").GetProperty("vms").GetInt32());
        Assert.Equal(synced.GetProperty("document").GetProperty("last_sync").GetString(), document.GetProperty("last_sync").GetString());
        Assert.Contains(Vm, File.ReadAllText(server.Directory.Combine("portal", "public", "infrastructure-state.json")), StringComparison.Ordinal);

        // Pub/Sub redelivers the same message: applied once, nothing changes, no second event.
        var etag = (await viewer.GetAsync("/api/v1/documents/lz-state")).Headers.ETag!.ToString();
        Assert.Equal("duplicate", Text(await PostAsync(pubsub, created), "result"));
        Assert.Equal(etag, (await viewer.GetAsync("/api/v1/documents/lz-state")).Headers.ETag!.ToString());

        // A newer change, then an older one that arrives late: the older is ignored.
        Assert.Equal("updated", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "STOPPED", "2026-03-01T12:10:00Z"), "9003")), "result"));
        Assert.Equal("out_of_order", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "STAGING", "2026-03-01T12:05:00Z"), "9002")), "result"));
        var after = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/documents/lz-state")).GetProperty("document").GetProperty("vms").EnumerateArray().Single();
        Assert.Equal("STOPPED", Text(after, "state"));

        // Deleted, then an older create: the tombstone keeps it deleted.
        Assert.Equal("deleted", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "STOPPED", "2026-03-01T12:20:00Z", deleted: true), "9004")), "result"));
        Assert.Equal("out_of_order", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "RUNNING", "2026-03-01T12:15:00Z"), "9005")), "result"));
        var gone = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/documents/lz-state")).GetProperty("document");
        Assert.Equal(0, gone.GetProperty("vms").GetArrayLength());
        Assert.Equal(synced.GetProperty("document").GetProperty("counts").GetRawText(), gone.GetProperty("counts").GetRawText()); // counts move with each change: back to the synced ones

        var events = new List<SseEvent> { changed.Match };
        events.AddRange(changed.Before);
        events.Add((await stream.WaitForAsync(e => Text(e.Data, "change") == "updated", "record.changed updated")).Match);
        events.Add((await stream.WaitForAsync(e => Text(e.Data, "change") == "deleted", "record.changed deleted")).Match);
        Assert.Equal(["resource_created", "resource_updated", "resource_deleted"], events.Select(e => Text(e.Data, "event")));
        Assert.Empty(stream.Drain());
        var runsAfter = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/runs?target=lz-state")).GetProperty("items").GetArrayLength();
        Assert.Equal(runsBefore, runsAfter); // patched without a full re-sync
    }

    [Fact]
    public async Task EventPushes_WithoutTheToken_AreRejected_AndChangeNothing()
    {
        await using var api = new FakeCloudAsset().WithLandingZone();
        await using var server = await StartAsync(api, TimeProvider.System);
        using var viewer = server.Client(ApiRole.Viewer);
        using var pubsub = server.Client();
        await SyncAsync(server, viewer);
        var etag = (await viewer.GetAsync("/api/v1/documents/lz-state")).Headers.ETag!.ToString();
        var push = AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "RUNNING", "2026-03-01T12:00:05Z"), "7001");

        Assert.Equal(HttpStatusCode.Unauthorized, (await AssetFeed.PostAsync(pubsub, "lz-state", push, "wrong-token")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await pubsub.PostAsJsonAsync("/api/v1/webhooks/pubsub/targets/lz-state", push)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pubsub.PostAsJsonAsync($"/api/v1/webhooks/cloudevents/targets/lz-state?token={Token}", push)).StatusCode); // not declared
        var notAsset = AssetFeed.Push(new System.Text.Json.Nodes.JsonObject { ["status"] = "Hello there" }, "7002");
        Assert.Equal(HttpStatusCode.BadRequest, (await AssetFeed.PostAsync(pubsub, "lz-state", notAsset, Token)).StatusCode);
        var otherSubscription = AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "RUNNING", "2026-03-01T12:00:06Z"), "7003");
        otherSubscription["subscription"] = "projects/elsewhere/subscriptions/s";
        Assert.Equal(HttpStatusCode.BadRequest, (await AssetFeed.PostAsync(pubsub, "lz-state", otherSubscription, Token)).StatusCode);

        var vms = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/documents/lz-state")).GetProperty("document").GetProperty("vms");
        Assert.Equal(0, vms.GetArrayLength());
        Assert.Equal(etag, (await viewer.GetAsync("/api/v1/documents/lz-state")).Headers.ETag!.ToString());
    }

    private static Task<JsonElement> PostAsync(HttpClient client, System.Text.Json.Nodes.JsonObject push) =>
        AssetFeed.PostAcceptedAsync(client, "lz-state", push, Token);

    private static string? Text(JsonElement element, string name) => element.GetProperty(name).GetString();
}
