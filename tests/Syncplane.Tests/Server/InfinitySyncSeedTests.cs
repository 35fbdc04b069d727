using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// <c>/api/sync/status</c> in the seed's values and shapes (seeds/002): sections built from the checks' <c>section</c>,
/// the seed's Status words, <c>Details</c> arrays and the AuthCheck object, and <c>fresh</c> over the whole snapshot.
/// A checks-only config (no targets) on a fake clock; results come from refreshes.
/// </summary>
public sealed class InfinitySyncSeedTests : IAsyncLifetime
{
    private readonly TempDirectory _repos = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 18, 0, 50, 37, 123, TimeSpan.Zero));
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var home = Directory.CreateDirectory(_repos["home"]).FullName;
        var origin = TestGitRepository.Init(_repos["origin.git"], home, bare: true);
        var work = TestGitRepository.Init(_repos["work"], home);
        work.Commit("first", ("README.md", "hello\n"));
        work.Run(["remote", "add", "origin", origin.Path]);
        work.Run(["push", "--quiet", "-u", "origin", "main"]);
        _server = await TestServer.StartAsync($$"""
            checks:
              GitHubCLI: { command: "echo 'Logged in to github.com account octo'", output_pattern: "Logged in to github.com", section: AuthCheck }
              GCloudCLI: { command: "echo 'no credentialed accounts' >&2; exit 1", section: AuthCheck }
              repo: { git: "{{work.Path}}", branch: main, section: GitSync }
              stack: { compose: docker-compose.yml, section: DockerSync }
              cloudflare-dns: { dns: localhost, section: CloudflareCheck }
              cloudflare-https: { tcp: "127.0.0.1:1", section: CloudflareCheck }
              loose: { command: "true" }
            """, time: _time, workers: false, checks: false);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repos.Dispose();
    }

    [Fact]
    public async Task Status_HasTheSeedsSectionsWordsAndDetailShapes()
    {
        await RefreshAllAsync();
        using var viewer = _server.Client(ApiRole.Viewer);
        var status = (await GetJsonAsync(viewer, "/api/sync/status")).GetProperty("status");

        Assert.Equal(["AuthCheck", "GitSync", "DockerSync", "CloudflareCheck", "loose"], status.EnumerateObject().Select(p => p.Name));
        foreach (var section in status.EnumerateObject())
        {
            Assert.Equal(["Status", "Details"], section.Value.EnumerateObject().Select(p => p.Name));
        }

        var auth = status.GetProperty("AuthCheck");
        Assert.Equal("Partial", auth.GetProperty("Status").GetString());
        Assert.True(auth.GetProperty("Details").GetProperty("GitHubCLI").GetBoolean());
        Assert.False(auth.GetProperty("Details").GetProperty("GCloudCLI").GetBoolean());

        Assert.Equal("Synced", status.GetProperty("GitSync").GetProperty("Status").GetString());
        Assert.Equal(0, status.GetProperty("GitSync").GetProperty("Details").GetArrayLength());

        Assert.Equal("NoManifest", status.GetProperty("DockerSync").GetProperty("Status").GetString());
        Assert.Contains("docker-compose.yml", status.GetProperty("DockerSync").GetProperty("Details")[0].GetString(), StringComparison.Ordinal);

        var cloudflare = status.GetProperty("CloudflareCheck");
        Assert.Equal("PartiallyReachable", cloudflare.GetProperty("Status").GetString());
        var details = cloudflare.GetProperty("Details").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Equal("DNS resolved", details[0]);
        Assert.StartsWith("IPs: ", details[1], StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", details[1], StringComparison.Ordinal);
        Assert.Equal(3, details.Count);

        Assert.Equal("Success", status.GetProperty("loose").GetProperty("Status").GetString());
        Assert.Equal(JsonValueKind.Object, status.GetProperty("loose").GetProperty("Details").ValueKind);
    }

    [Fact]
    public async Task Status_ARepositoryBehindItsRemoteIsDiverged_WithTheReasonInDetails()
    {
        var home = _repos["home"];
        var other = TestGitRepository.Clone(_repos["origin.git"], _repos["other"], home);
        other.Commit("upstream", ("b.txt", "b"));
        other.Run(["push", "--quiet", "origin", "main"]);

        await RefreshAsync("repo");
        using var viewer = _server.Client(ApiRole.Viewer);
        var git = (await GetJsonAsync(viewer, "/api/sync/status")).GetProperty("status").GetProperty("GitSync");

        Assert.Equal("Diverged", git.GetProperty("Status").GetString());
        Assert.Equal("1 commit(s) behind origin/main (branch main, clean)", Assert.Single(git.GetProperty("Details").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Fresh_IsFalseWhenTheOldestResultIsFiveMinutesOld_EvenIfANewerOneIsRecent()
    {
        await RefreshAllAsync();
        using var viewer = _server.Client(ApiRole.Viewer);
        Assert.True((await GetJsonAsync(viewer, "/api/sync/status")).GetProperty("fresh").GetBoolean());

        _time.Advance(TimeSpan.FromMinutes(4));
        await RefreshAsync("repo");
        _time.Advance(TimeSpan.FromMinutes(1));
        var status = await GetJsonAsync(viewer, "/api/sync/status");

        Assert.Equal("2026-02-18T00:54:37.123Z", status.GetProperty("timestamp").GetString());
        Assert.False(status.GetProperty("fresh").GetBoolean());
        Assert.False((await GetJsonAsync(viewer, "/api/sync/overview")).GetProperty("syncStatusFresh").GetBoolean());
    }

    [Fact]
    public async Task Fresh_IsFalseWhileADeclaredCheckHasNoResult()
    {
        await RefreshAsync("repo");
        using var viewer = _server.Client(ApiRole.Viewer);

        var status = await GetJsonAsync(viewer, "/api/sync/status");

        Assert.Equal("Synced", status.GetProperty("status").GetProperty("GitSync").GetProperty("Status").GetString());
        Assert.False(status.GetProperty("fresh").GetBoolean());
    }

    private async Task RefreshAllAsync()
    {
        foreach (var check in _server.Config.Checks.Items)
        {
            await RefreshAsync(check.Name);
        }
    }

    private async Task RefreshAsync(string name)
    {
        using var operatorClient = _server.Client(ApiRole.Operator);
        await GetJsonAsync(operatorClient, $"/api/v1/checks/{name}?refresh=true");
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
