using System.Text.Json;
using Syncplane.Access;
using Syncplane.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// Seed 002's heartbeats by the seed's names: <c>/api/sync/heartbeat</c> answers "GitHub API", "Google Cloud API" and
/// "Cloudflare (vizual-x.com)" (a check's <c>display_name</c>) at the seed's routes <c>/heartbeat/github</c>, <c>/gcp</c>,
/// <c>/cloudflare</c> (the check names), and the AuthCheck section keys its Details as the seed does. Timestamps on
/// these routes have milliseconds, as the seed's examples (JavaScript's toISOString), while /api/v1 keeps its format.
/// </summary>
public sealed class InfinitySyncHeartbeatTests : IAsyncLifetime
{
    // A whole second, so a format that drops zero milliseconds would show.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 18, 0, 50, 37, TimeSpan.Zero));
    private readonly LoopbackHttpServer _api = new(() => new LoopbackHttpServer.Reply(200, "ok"));
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync($$"""
        checks:
          github: { http: "{{_api.Url}}zen", display_name: GitHub API }
          gcp: { http: "{{_api.Url}}v1/projects", display_name: Google Cloud API }
          cloudflare: { http: "{{_api.Url}}", display_name: "Cloudflare (vizual-x.com)", section: CloudflareCheck }
          gh-auth: { command: "echo Logged in", section: AuthCheck, display_name: GitHubCLI }
          gcloud-auth: { command: "exit 1", section: AuthCheck, display_name: GCloudCLI }
        """, time: _time, workers: false, checks: false);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Heartbeats_AreNamedByDisplayName_AtTheSeedsRoutes()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        var before = await GetJsonAsync(viewer, "/api/sync/heartbeat/gcp");
        Assert.Equal("Google Cloud API", before.GetProperty("service").GetString());
        Assert.Equal("unknown", before.GetProperty("status").GetString());

        await RefreshAllAsync();
        var all = await GetJsonAsync(viewer, "/api/sync/heartbeat");

        Assert.Equal(
            ["GitHub API", "Google Cloud API", "Cloudflare (vizual-x.com)", "GitHubCLI", "GCloudCLI"],
            all.GetProperty("heartbeats").EnumerateArray().Select(h => h.GetProperty("service").GetString()));
        Assert.Equal("GitHub API", (await GetJsonAsync(viewer, "/api/sync/heartbeat/github")).GetProperty("service").GetString());
        Assert.Equal("healthy", (await GetJsonAsync(viewer, "/api/sync/heartbeat/cloudflare")).GetProperty("status").GetString());
        var overview = await GetJsonAsync(viewer, "/api/sync/overview");
        Assert.Equal("Cloudflare (vizual-x.com)", overview.GetProperty("heartbeats")[2].GetProperty("service").GetString());
        var status = await GetJsonAsync(viewer, "/api/sync/status");
        Assert.Equal("GitHub API", status.GetProperty("heartbeats")[0].GetProperty("service").GetString());
        var listed = await GetJsonAsync(viewer, "/api/v1/checks");
        Assert.Equal("GitHub API", listed.GetProperty("items")[0].GetProperty("display_name").GetString());
        Assert.Equal("github", listed.GetProperty("items")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task AuthCheckDetails_AreKeyedByDisplayName_AsTheSeeds()
    {
        await RefreshAllAsync();
        using var viewer = _server.Client(ApiRole.Viewer);

        var auth = (await GetJsonAsync(viewer, "/api/sync/status")).GetProperty("status").GetProperty("AuthCheck");

        Assert.Equal("Partial", auth.GetProperty("Status").GetString());
        Assert.Equal("""{"GitHubCLI":true,"GCloudCLI":false}""", auth.GetProperty("Details").GetRawText());
    }

    [Fact]
    public async Task SeedRoutes_WriteMilliseconds_AsTheSeedQuotesThem_WhileApiV1KeepsItsFormat()
    {
        await RefreshAllAsync();
        using var viewer = _server.Client(ApiRole.Viewer);

        var status = await GetJsonAsync(viewer, "/api/sync/status");
        var heartbeats = await GetJsonAsync(viewer, "/api/sync/heartbeat");
        var overview = await GetJsonAsync(viewer, "/api/sync/overview");
        var check = await GetJsonAsync(viewer, "/api/v1/checks/github");

        Assert.Equal("2026-02-18T00:50:37.000Z", status.GetProperty("timestamp").GetString());
        Assert.Equal("2026-02-18T00:50:37.000Z", status.GetProperty("checks").GetProperty("github").GetProperty("CheckedAt").GetString());
        Assert.Equal("2026-02-18T00:50:37.000Z", heartbeats.GetProperty("timestamp").GetString());
        Assert.Equal("2026-02-18T00:50:37.000Z", heartbeats.GetProperty("heartbeats")[0].GetProperty("lastCheck").GetString());
        Assert.Equal("2026-02-18T00:50:37.000Z", overview.GetProperty("timestamp").GetString());
        Assert.Equal("2026-02-18T00:50:37Z", check.GetProperty("check").GetProperty("checked_at").GetString());
    }

    [Theory]
    [InlineData("display_name: \"\"", "'display_name' must not be empty")]
    [InlineData("display_name: [a]", "'display_name' must be a string")]
    public void DisplayName_Invalid_IsAConfigError(string option, string expected)
    {
        using var dir = new TempDirectory();
        dir.Write("syncplane.yaml", $"checks:\n  github: {{ http: \"https://api.github.com\", {option} }}\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Default.Load(dir.Combine("syncplane.yaml")));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private async Task RefreshAllAsync()
    {
        using var operatorClient = _server.Client(ApiRole.Operator);
        foreach (var check in _server.Config.Checks.Items)
        {
            await GetJsonAsync(operatorClient, $"/api/v1/checks/{check.Name}?refresh=true");
        }
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
