using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

public sealed class TargetsApiTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          docs:
            entrypoint: "true"
            schedule: hourly
            env: { API_TOKEN: "${env:SECRET_ONE}", MODE: fast }
          site:
            source: { directory: { path: "https://bob:hunter2@example.com/src" } }
            destination: { directory: { path: out } }
          third:
            entrypoint: "true"
        """;

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml, workers: false);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task List_IsPaginatedWithAnOpaqueCursor_AndCarriesTelemetry()
    {
        using var client = _server.Client(ApiRole.Viewer);

        var first = await GetJsonAsync(client, "/api/v1/targets?limit=2");
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await GetJsonAsync(client, "/api/v1/targets?limit=2&cursor=" + cursor);

        Assert.Equal(["docs", "site"], first.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["third"], second.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.False(second.TryGetProperty("next_cursor", out _));
        var telemetry = first.GetProperty("items")[0].GetProperty("telemetry");
        Assert.Equal(("idle", "hourly", 0), (telemetry.GetProperty("sync_status").GetString(), telemetry.GetProperty("sync_frequency").GetString(), telemetry.GetProperty("total_syncs_attempted").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/targets?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/targets?cursor=not-a-cursor")).StatusCode);
    }

    [Fact]
    public async Task Get_ShowsConfigWithoutSecrets_AndUnknownTargetIs404Problem()
    {
        using var client = _server.Client(ApiRole.Viewer);

        var docs = await client.GetStringAsync("/api/v1/targets/docs");
        var site = await client.GetStringAsync("/api/v1/targets/site");
        var missing = await client.GetAsync("/api/v1/targets/nope");

        Assert.Contains("\"env\":[\"API_TOKEN\",\"MODE\"]", docs, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET_ONE", docs, StringComparison.Ordinal);
        Assert.DoesNotContain("fast", docs, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"directory\"", site, StringComparison.Ordinal);
        Assert.Contains("https://bob:***@example.com/src", site, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", site, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nope", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncNow_Queues_A_ManualRun_Returns202WithRunAndJobId_AndIsAudited()
    {
        using var client = _server.Client(ApiRole.Operator);

        var response = await client.PostAsync("/api/v1/targets/docs/sync", null);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var again = JsonDocument.Parse(await (await client.PostAsync("/api/v1/targets/docs/sync", null)).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = body.GetProperty("run_id").GetInt64();
        Assert.Equal((runId, "queued", false), (body.GetProperty("job_id").GetInt64(), body.GetProperty("status").GetString(), body.GetProperty("coalesced").GetBoolean()));
        Assert.Equal((runId, true), (again.GetProperty("run_id").GetInt64(), again.GetProperty("coalesced").GetBoolean()));
        var run = (await _server.Store.GetRunAsync(runId, CancellationToken.None))!;
        Assert.Equal((RunStatus.Queued, "api", RunPriority.Manual), (run.Status, run.Trigger, run.Priority));
        var status = await GetJsonAsync(client, "/api/v1/targets/docs/status");
        Assert.Equal("queued", status.GetProperty("sync_status").GetString());
        var audit = await _server.Store.ListAuditAsync(null, 10, CancellationToken.None);
        Assert.All(audit, a => Assert.Equal(("run.trigger", "docs"), (a.Action, a.Subject)));
        Assert.Equal(2, audit.Count);
        Assert.StartsWith("token:test-operator-", audit[0].Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frequency_ValidValueReturnsNewTelemetry_InvalidIs400NamingAcceptedValues_AndBothSpellingsWork()
    {
        using var client = _server.Client(ApiRole.Admin);

        var set = await client.PatchAsJsonAsync("/api/v1/targets/docs/frequency", new { frequency = "30min" });
        var seed = await client.PatchAsJsonAsync("/api/v1/targets/docs/frequency", new { sync_frequency = "realtime" });
        var bad = await client.PatchAsJsonAsync("/api/v1/targets/docs/frequency", new { frequency = "every fortnight" });
        var huge = await OversizedAsync(client);
        var malformed = await client.PatchAsync("/api/v1/targets/docs/frequency", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("30min", JsonDocument.Parse(await set.Content.ReadAsStringAsync()).RootElement.GetProperty("sync_frequency").GetString());
        var now = JsonDocument.Parse(await seed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("realtime", true), (now.GetProperty("sync_frequency").GetString(), now.GetProperty("frequency_overridden").GetBoolean()));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge), (bad.StatusCode, malformed.StatusCode, huge));
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("realtime", problem, StringComparison.Ordinal);
        Assert.Contains("hourly", problem, StringComparison.Ordinal);
        Assert.Equal("realtime", (await _server.Store.ListTargetStatesAsync(CancellationToken.None)).Single(s => s.Target == "docs").FrequencyOverride);
        var audit = await _server.Store.ListAuditAsync(null, 10, CancellationToken.None);
        Assert.Equal(["{\"frequency\":\"realtime\"}", "{\"frequency\":\"30min\"}"], audit.Select(a => a.Details));
    }

    [Fact]
    public async Task PauseAndResume_ChangeTelemetry_AndAreAudited()
    {
        using var client = _server.Client(ApiRole.Admin);

        var paused = JsonDocument.Parse(await (await client.PostAsync("/api/v1/targets/docs/pause?reason=maintenance", null)).Content.ReadAsStringAsync()).RootElement;
        var resumed = JsonDocument.Parse(await (await client.PostAsync("/api/v1/targets/docs/resume", null)).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("maintenance", paused.GetProperty("paused_reason").GetString());
        Assert.False(resumed.TryGetProperty("paused_reason", out _));
        Assert.Equal(["target.resume", "target.pause"], (await _server.Store.ListAuditAsync(null, 10, CancellationToken.None)).Select(a => a.Action));
    }

    /// <summary>
    /// A 2 MiB body (the limit is 1 MiB). The server answers 413 as soon as it sees the length; the client may
    /// still be sending and see the connection reset instead, which refuses the request just the same.
    /// </summary>
    private static async Task<HttpStatusCode> OversizedAsync(HttpClient client)
    {
        try
        {
            using var content = new StringContent("{\"frequency\": \"" + new string('x', 2 * 1024 * 1024) + "\"}", System.Text.Encoding.UTF8, "application/json");
            return (await client.PatchAsync("/api/v1/targets/docs/frequency", content)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return HttpStatusCode.RequestEntityTooLarge;
        }
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(path)).RootElement;
}
