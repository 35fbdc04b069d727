using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Documents;

/// <summary>
/// The document destination end to end on a real node (HTTP on 127.0.0.1, a worker, a real store): docs/documents.md's
/// example against a fake Cloud Asset API, served with last known good, patched by signed Pub/Sub pushes.
/// Run once per store: SQLite and PostgreSQL.
/// </summary>
public abstract partial class DocumentServingContract
{
    private const string PushToken = "push-token-5b1f0c";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Opens the store the node runs on; null for a fresh SQLite file.</summary>
    private protected abstract Func<TimeProvider, ISyncStore>? OpenStore { get; }

    [Fact]
    public async Task FullSync_ServesGroupsAndCounts_A503KeepsTheLastGoodDocument_StaleAfterTtl_WithTheError()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var api = new FakeCloudAsset().WithLandingZone();
        await using var server = await StartAsync(api, time);
        using var viewer = server.Client(ApiRole.Viewer);

        var document = await SyncAsync(server, viewer);
        var served = document.GetProperty("document");
        Assert.Equal("""{"projects":2,"vpcs":1,"vms":0,"gke_clusters":1,"databases":1}""", served.GetProperty("counts").GetRawText());
        Assert.Equal(["//cloudresourcemanager.googleapis.com/projects/lz-dev", "//cloudresourcemanager.googleapis.com/projects/lz-prod"],
            served.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("RUNNABLE", served.GetProperty("databases")[0].GetProperty("state").GetString());
        Assert.Equal(0, served.GetProperty("vms").GetArrayLength());
        Assert.DoesNotContain("storage.googleapis.com", served.GetRawText(), StringComparison.Ordinal); // in no group: left out
        Assert.Equal("2026-03-01T12:00:00Z", served.GetProperty("last_sync").GetString());
        Assert.Matches("^[0-9a-f]{64}$", served.GetProperty("source_revision").GetString()!);
        Assert.Equal((0, false, 3600), (document.GetProperty("age_seconds").GetInt32(), document.GetProperty("stale").GetBoolean(), document.GetProperty("ttl_seconds").GetInt32()));
        Assert.False(document.TryGetProperty("last_error", out _));
        var file = JsonDocument.Parse(File.ReadAllText(server.Directory.Combine("portal", "public", "infrastructure-state.json"))).RootElement;
        Assert.Equal(served.GetRawText(), file.GetRawText());

        // Conditional GET: the version is the ETag; 304 without a body.
        var etag = await ETagAsync(viewer, "/api/v1/documents/lz-state");
        Assert.Equal(HttpStatusCode.NotModified, await ConditionalStatusAsync(viewer, "/api/v1/documents/lz-state", etag));
        Assert.Equal(HttpStatusCode.NotModified, await ConditionalStatusAsync(viewer, "/api/v1/sync/infrastructure-state", etag));
        Assert.Equal(HttpStatusCode.OK, await ConditionalStatusAsync(viewer, "/api/v1/documents/lz-state", "W/\"other\""));

        // The API goes down: the run fails, the last good document stays, with the error; after the ttl it is stale.
        api.FailWith = 503;
        var failed = await RunAsync(server);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var stale = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/documents/lz-state");
        Assert.Equal(served.GetRawText(), stale.GetProperty("document").GetRawText());
        Assert.Equal((3601, true), (stale.GetProperty("age_seconds").GetInt32(), stale.GetProperty("stale").GetBoolean()));
        var error = stale.GetProperty("last_error");
        Assert.Equal(("failed", failed.GetProperty("id").GetInt64()), (error.GetProperty("status").GetString(), error.GetProperty("run_id").GetInt64()));
        Assert.Contains("503", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(etag, await ETagAsync(viewer, "/api/v1/documents/lz-state"));

        var seed = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/sync/infrastructure-state");
        Assert.Equal(2, seed.GetProperty("projects").GetArrayLength());
        Assert.True(seed.GetProperty("sync_metadata").GetProperty("stale").GetBoolean());
        var listed = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/documents")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("lz-state", true), (listed.GetProperty("name").GetString(), listed.GetProperty("stale").GetBoolean()));
        var telemetry = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/targets/lz-state")).GetProperty("telemetry").GetProperty("document");
        Assert.Equal((true, 3601), (telemetry.GetProperty("stale").GetBoolean(), telemetry.GetProperty("age_seconds").GetInt32()));
        Assert.Contains("503", telemetry.GetProperty("last_error").GetProperty("message").GetString(), StringComparison.Ordinal);

        // The API is back: a good run clears the error and makes the document fresh again.
        api.FailWith = null;
        var recovered = await SyncAsync(server, viewer, after: etag);
        Assert.Equal((0, false), (recovered.GetProperty("age_seconds").GetInt32(), recovered.GetProperty("stale").GetBoolean()));
        Assert.False(recovered.TryGetProperty("last_error", out _));
    }

    [Fact]
    public async Task DocumentRoutes_NeedTheViewerRole_UnknownAndUnsyncedDocumentsAre404()
    {
        await using var api = new FakeCloudAsset().WithLandingZone();
        await using var server = await StartAsync(api, TimeProvider.System, workers: false);
        using var anonymous = server.Client();
        using var viewer = server.Client(ApiRole.Viewer);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/documents/lz-state")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/documents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/sync/infrastructure-state")).StatusCode);
        var unsynced = await viewer.GetAsync("/api/v1/documents/lz-state");
        Assert.Equal(HttpStatusCode.NotFound, unsynced.StatusCode);
        Assert.Contains("has no successful sync of target 'lz-state' yet", await unsynced.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/v1/documents/nope")).StatusCode);
        var listed = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/documents")).GetProperty("items")[0];
        Assert.True(listed.GetProperty("stale").GetBoolean());
        Assert.False(listed.TryGetProperty("synced_at", out _));
    }

    private protected async Task<TestServer> StartAsync(FakeCloudAsset api, TimeProvider time, bool workers = true)
    {
        Environment.SetEnvironmentVariable("PUBSUB_PUSH_TOKEN", PushToken);
        Environment.SetEnvironmentVariable("GCP_ACCESS_TOKEN", "ya29.test-access-token");
        var yaml = DocsExample()
            .Replace("https://cloudasset.googleapis.com/v1/organizations/123456789:searchAllResources", api.Url, StringComparison.Ordinal)
            .Replace("    schedule: \"*/5 * * * *\"", "    retry: { attempts: 1 }", StringComparison.Ordinal);
        return await TestServer.StartAsync(yaml, OpenStore, workers: workers, time: time, checks: false);
    }

    /// <summary>The first YAML example of docs/documents.md.</summary>
    internal static string DocsExample() =>
        YamlBlock().Match(File.ReadAllText(RepositoryPaths.Combine("docs", "documents.md"))).Groups[1].Value;

    private protected static string Token => PushToken;

    // Queues a run and waits until the document's ETag differs from `after`; returns the document.
    private protected static async Task<JsonElement> SyncAsync(TestServer server, HttpClient viewer, string? after = null)
    {
        var run = await RunAsync(server);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var response = await viewer.GetAsync("/api/v1/documents/lz-state");
        response.EnsureSuccessStatusCode();
        Assert.NotEqual(after, response.Headers.ETag?.ToString());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    // Queues a run of lz-state and waits for it to finish; returns the run.
    private protected static Task<JsonElement> RunAsync(TestServer server) => ApiRuns.SyncAndWaitAsync(server, "lz-state", Patience);

    private static async Task<string> ETagAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.ToString();
    }

    private static async Task<HttpStatusCode> ConditionalStatusAsync(HttpClient client, string path, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        return response.StatusCode;
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}

public sealed class SqliteDocumentServingTests : DocumentServingContract
{
    private protected override Func<TimeProvider, ISyncStore>? OpenStore => null;
}

public sealed class PostgresDocumentServingTests(PostgresDatabase database) : DocumentServingContract, IClassFixture<PostgresDatabase>
{
    private protected override Func<TimeProvider, ISyncStore>? OpenStore => t => new Syncplane.Storage.Postgres.PostgresSyncStore(database.CreateSchema(), t);
}
