using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>A gcp_assets target in a running node: synced through the API, the key and the access tokens never in what the API answers.</summary>
public sealed class GcpAssetsServerTests : IAsyncLifetime
{
    private FakeCloudAssetApi _api = null!;
    private FakeGoogleTokenEndpoint _oauth = null!;
    private ServiceAccountKey _key = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeCloudAssetApi.StartAsync();
        _oauth = await FakeGoogleTokenEndpoint.StartAsync();
        _key = new ServiceAccountKey(_oauth.Url);
        _oauth.Key = _key;
        _api.IsValidToken = _oauth.IsValid;
        _api.Resources.AddRange(Enumerable.Range(0, 30).Select(FakeCloudAssetApi.Resource));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _oauth.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task SyncedThroughTheApi_TheKeyAndTokensAppearInNoAnswer()
    {
        _api.OnPage = page =>
        {
            if (page == 2)
            {
                _api.IsValidToken = t => t != _oauth.Issued.First() && _oauth.IsValid(t); // one renewal on the way
            }
        };
        await using var server = await TestServer.StartAsync(
            $$"""
            targets:
              inventory:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, page_size: 10, credentials: "${file:secrets/gcp-sa.json}", endpoint: "{{_api.BaseUrl}}" }
                destination:
                  sql: { connection: inventory.db, table: resources }
            """,
            files: new Dictionary<string, string> { ["secrets/gcp-sa.json"] = _key.Json });
        using var client = server.Client(ApiRole.Admin);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/targets/inventory/sync", null)).StatusCode);
        JsonElement run = default;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var runs = JsonDocument.Parse(await client.GetStringAsync("/api/v1/runs?target=inventory")).RootElement;
            var items = runs.ValueKind == JsonValueKind.Array ? runs : runs.GetProperty("items");
            if (items.GetArrayLength() > 0 && items[0].GetProperty("status").GetString() is "succeeded" or "failed")
            {
                run = items[0].Clone();
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(2, _oauth.Issued.Count);
        var id = run.GetProperty("id").GetInt64();
        var answers = string.Join(
            "\n",
            await client.GetStringAsync($"/api/v1/runs/{id}"),
            await client.GetStringAsync($"/api/v1/runs/{id}/log"),
            await client.GetStringAsync("/api/v1/runs?target=inventory"),
            await client.GetStringAsync("/api/v1/targets/inventory"),
            await client.GetStringAsync("/api/v1/targets/inventory/status"));
        Assert.Contains("30 row(s) inserted", answers, StringComparison.Ordinal);
        Assert.Contains("the access token was refused (401)", answers, StringComparison.Ordinal);
        var probe = new SecretProbe([_key.PrivateKeyPem, _key.Json, .. _oauth.Issued]);
        probe.AssertAbsent("API answers", answers);
        probe.AssertAbsentFromFiles(server.Directory.Combine(".syncplane"));
    }

    [Fact]
    public async Task FiveThousandAssetsIntoADocument_GroupedAndCounted_ATokenRenewedMidSync_A503KeepsTheLastGood()
    {
        _api.Resources.Clear();
        _api.Resources.AddRange(Enumerable.Range(0, 5000).Select(FakeCloudAssetApi.Resource));
        _api.OnPage = page =>
        {
            if (page == 20)
            {
                _api.IsValidToken = t => t != _oauth.Issued.First() && _oauth.IsValid(t); // the first token expires mid-sync
            }
        };
        await using var server = await TestServer.StartAsync(
            $$"""
            targets:
              lz-state:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, page_size: 100, credentials: "${file:secrets/gcp-sa.json}", endpoint: "{{_api.BaseUrl}}" }
                destination:
                  document:
                    groups:
                      projects: cloudresourcemanager.googleapis.com/Project
                      vpcs: compute.googleapis.com/Network
                      vms: compute.googleapis.com/Instance
                      gke_clusters: container.googleapis.com/Cluster
                      databases: sqladmin.googleapis.com/Instance
                retry: { attempts: 1 }
            """,
            files: new Dictionary<string, string> { ["secrets/gcp-sa.json"] = _key.Json });
        using var admin = server.Client(ApiRole.Admin);

        Assert.Equal("succeeded", (await SyncAsync(admin)).GetProperty("status").GetString());
        Assert.Equal(2, _oauth.Issued.Count);
        Assert.Equal(50, _api.Requests.Count(r => r.Page > 0));
        var served = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/documents/lz-state")).RootElement;
        var document = served.GetProperty("document");
        Assert.Equal("""{"projects":1000,"vpcs":1000,"vms":1000,"gke_clusters":1000,"databases":1000}""", document.GetProperty("counts").GetRawText());
        Assert.Equal(1000, document.GetProperty("vms").GetArrayLength());
        Assert.Contains(document.GetProperty("vms").EnumerateArray(), vm => vm.GetProperty("name").GetString() == "//compute.googleapis.com/projects/lz-prod-123/zones/europe-west1-b/instances/vm-4997");

        _api.FailingPage = 3;
        var failed = await SyncAsync(admin);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        var lastGood = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/documents/lz-state")).RootElement;
        Assert.Equal(document.GetRawText(), lastGood.GetProperty("document").GetRawText());
        Assert.Contains("503", lastGood.GetProperty("last_error").GetProperty("message").GetString(), StringComparison.Ordinal);
        new SecretProbe([_key.PrivateKeyPem, _key.Json, .. _oauth.Issued]).AssertAbsent("the document", lastGood.GetRawText());
    }

    // Queues a run of lz-state through the API and waits for it to finish; returns the run.
    private static async Task<JsonElement> SyncAsync(HttpClient client)
    {
        var queued = JsonDocument.Parse(await (await client.PostAsync("/api/v1/targets/lz-state/sync", null)).Content.ReadAsStringAsync()).RootElement;
        var id = queued.GetProperty("run_id").GetInt64();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            var run = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/runs/{id}")).RootElement;
            if (run.GetProperty("status").GetString() is "succeeded" or "failed" or "refused")
            {
                return run.Clone();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"run {id} did not finish");
    }
}
