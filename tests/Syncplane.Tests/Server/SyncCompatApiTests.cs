using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>The Infinity Sync routes as the seed's consumers call them, on a fake clock; the check scheduler is off so results come only from a refresh.</summary>
public sealed class SyncCompatApiTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          docs: { entrypoint: "true" }
        checks:
          echo: { command: "echo ok", section: Tools, cache_ttl: 2m }
          never: { command: "echo never" }
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 18, 0, 50, 37, 123, TimeSpan.Zero));
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml, time: _time, workers: false, checks: false);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Status_Is404BeforeAnyResult_ThenHasTheSeedsShape_AndFreshFlipsAfterFiveMinutes()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        using var before = await viewer.GetAsync("/api/sync/status");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal("application/problem+json", before.Content.Headers.ContentType?.MediaType);

        await RefreshAsync("echo");
        var status = await GetJsonAsync(viewer, "/api/sync/status");

        Assert.Equal("2026-02-18T00:50:37.123Z", status.GetProperty("timestamp").GetString());
        Assert.False(status.GetProperty("dryRun").GetBoolean());
        Assert.False(status.GetProperty("fresh").GetBoolean()); // 'never' has no result yet: the snapshot is not whole
        var tools = status.GetProperty("status").GetProperty("Tools");
        Assert.Equal("Success", tools.GetProperty("Status").GetString());
        Assert.True(tools.GetProperty("Details").GetProperty("echo").GetBoolean());
        var echo = status.GetProperty("checks").GetProperty("echo");
        Assert.Equal("healthy", echo.GetProperty("Status").GetString());
        Assert.Equal("ok", echo.GetProperty("Details").GetProperty("output").GetString());
        Assert.Equal("2026-02-18T00:50:37.123Z", echo.GetProperty("CheckedAt").GetString());
        Assert.False(status.GetProperty("status").TryGetProperty("never", out _));
        var heartbeat = Assert.Single(status.GetProperty("heartbeats").EnumerateArray());
        Assert.Equal(["service", "status", "lastCheck", "responseTime"], heartbeat.EnumerateObject().Select(p => p.Name));

        await RefreshAsync("never");
        Assert.True((await GetJsonAsync(viewer, "/api/sync/status")).GetProperty("fresh").GetBoolean());
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.True((await GetJsonAsync(viewer, "/api/sync/status")).GetProperty("fresh").GetBoolean());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False((await GetJsonAsync(viewer, "/api/sync/status")).GetProperty("fresh").GetBoolean());
        Assert.False((await GetJsonAsync(viewer, "/api/sync/overview")).GetProperty("syncStatusFresh").GetBoolean());
    }

    [Fact]
    public async Task Heartbeats_ListEveryDeclaredCheck_UncheckedOnesAsUnknown()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        await RefreshAsync("echo");

        var all = await GetJsonAsync(viewer, "/api/sync/heartbeat");
        Assert.Equal("2026-02-18T00:50:37.123Z", all.GetProperty("timestamp").GetString());
        var beats = all.GetProperty("heartbeats").EnumerateArray().ToList();
        Assert.Equal(["echo", "never"], beats.Select(b => b.GetProperty("service").GetString()));
        Assert.Equal("healthy", beats[0].GetProperty("status").GetString());
        Assert.Equal("2026-02-18T00:50:37.123Z", beats[0].GetProperty("lastCheck").GetString());
        Assert.Equal(0, beats[0].GetProperty("responseTime").GetInt64());
        Assert.Equal("unknown", beats[1].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, beats[1].GetProperty("lastCheck").ValueKind);

        var one = await GetJsonAsync(viewer, "/api/sync/heartbeat/echo");
        Assert.Equal(("echo", "healthy"), (one.GetProperty("service").GetString(), one.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/sync/heartbeat/github")).StatusCode);
    }

    [Fact]
    public async Task Overview_HasTheSeedsFields()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        var empty = await GetJsonAsync(viewer, "/api/sync/overview");
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("syncStatus").ValueKind);
        Assert.False(empty.GetProperty("syncStatusFresh").GetBoolean());

        await RefreshAsync("echo");
        var overview = await GetJsonAsync(viewer, "/api/sync/overview");

        Assert.Equal(["syncStatus", "syncStatusFresh", "heartbeats", "timestamp"], overview.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Success", overview.GetProperty("syncStatus").GetProperty("status").GetProperty("Tools").GetProperty("Status").GetString());
        Assert.False(overview.GetProperty("syncStatusFresh").GetBoolean());
        await RefreshAsync("never");
        Assert.True((await GetJsonAsync(viewer, "/api/sync/overview")).GetProperty("syncStatusFresh").GetBoolean());
        Assert.Equal(2, overview.GetProperty("heartbeats").GetArrayLength());
    }

    [Fact]
    public async Task CompatRoutes_NeedAViewerToken()
    {
        using var anonymous = _server.Client();
        foreach (var route in new[] { "/api/sync/status", "/api/sync/heartbeat", "/api/sync/heartbeat/echo", "/api/sync/overview" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(route)).StatusCode);
        }
    }

    [Fact]
    public async Task Refresh_NeedsAnOperator_AndProbesOnlyWhenTheCachedResultIsOlderThanCacheTtl()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/checks/echo?refresh=true")).StatusCode);

        Assert.True((await RefreshAsync("echo")).GetProperty("refreshed").GetBoolean());
        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.False((await RefreshAsync("echo")).GetProperty("refreshed").GetBoolean());
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = await RefreshAsync("echo");

        Assert.True(after.GetProperty("refreshed").GetBoolean());
        Assert.Equal(2, after.GetProperty("history").GetArrayLength());
    }

    private async Task<JsonElement> RefreshAsync(string name)
    {
        using var operatorClient = _server.Client(ApiRole.Operator);
        return await GetJsonAsync(operatorClient, $"/api/v1/checks/{name}?refresh=true");
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
