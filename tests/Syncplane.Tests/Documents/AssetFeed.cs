using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Syncplane.Tests.Documents;

/// <summary>
/// Cloud Asset feed messages as Pub/Sub pushes them: a TemporalAsset shaped like the docs' sample
/// (../shared/fixtures/providers/gcp-cloud-asset/feed-notification.docs-sample.txt: asset, priorAsset, priorAssetState,
/// window.startTime; its placeholders filled with a Compute Engine instance's data) as the base64 data of the wrapped
/// push request (../shared/fixtures/providers/gcp-pubsub/push-request.wrapped.json).
/// </summary>
internal static class AssetFeed
{
    public const string Subscription = "projects/lz-portal/subscriptions/asset-feed-push";

    public static JsonObject TemporalAsset(string name, string assetType, string status, string startTime, bool deleted = false) => new()
    {
        ["asset"] = Asset(name, assetType, status, startTime),
        ["priorAsset"] = Asset(name, assetType, "PROVISIONING", "2026-03-01T09:00:00.000000Z"),
        ["priorAssetState"] = "PRESENT",
        ["deleted"] = deleted,
        ["window"] = new JsonObject { ["startTime"] = startTime },
    };

    public static JsonObject Push(JsonObject temporalAsset, string messageId) => new()
    {
        ["message"] = new JsonObject
        {
            ["attributes"] = new JsonObject { ["Content-Type"] = "application/json" },
            ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(temporalAsset.ToJsonString())),
            ["messageId"] = messageId,
            ["message_id"] = messageId,
            ["publishTime"] = "2026-03-01T12:00:00.749Z",
            ["publish_time"] = "2026-03-01T12:00:00.749Z",
        },
        ["subscription"] = Subscription,
    };

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string target, JsonObject push, string token) =>
        client.PostAsJsonAsync($"/api/v1/webhooks/pubsub/targets/{target}?token={Uri.EscapeDataString(token)}", push);

    /// <summary>Posts a signed push that must be answered with success; returns the answer (result, key, message_id, detail).</summary>
    public static async Task<JsonElement> PostAcceptedAsync(HttpClient client, string target, JsonObject push, string token)
    {
        using var response = await PostAsync(client, target, push, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static JsonObject Asset(string name, string assetType, string status, string updateTime) => new()
    {
        ["ancestors"] = new JsonArray("projects/000000000000", "folders/000000000000", "organizations/000000000000"),
        ["assetType"] = assetType,
        ["name"] = name,
        ["resource"] = new JsonObject
        {
            ["data"] = new JsonObject { ["name"] = name[(name.LastIndexOf('/') + 1)..], ["status"] = status, ["labels"] = new JsonObject { ["env"] = "prod" } },
            ["discoveryDocumentUri"] = "https://www.googleapis.com/discovery/v1/apis/compute/v1/rest",
            ["discoveryName"] = "Instance",
            ["location"] = "europe-west1-b",
            ["parent"] = "//cloudresourcemanager.googleapis.com/projects/000000000000",
            ["version"] = "v1",
        },
        ["updateTime"] = updateTime,
    };
}
