using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Server.Security;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// <c>GET /api/v1/targets</c> sends a kept page again while it is true (issue 18): it never outlives a finished run, the
/// clock moving a next run, or a token's revocation, and a project token never gets another scope's page.
/// </summary>
public sealed class TargetsListCachingApiTests
{
    [Fact]
    public async Task KeptList_AfterARunFinishes_ShowsTheRun_AndItsETagNoLongerGets304()
    {
        const string yaml = """
            targets:
              site: { entrypoint: "true" }
              broken: { entrypoint: "exit 3", retry: { attempts: 1 } }
            """;
        await using var server = await TestServer.StartAsync(yaml);
        using var viewer = server.Client(ApiRole.Viewer);
        using var operatorClient = server.Client(ApiRole.Operator);

        var first = await viewer.GetAsync("/api/v1/targets?limit=1000");
        var again = await viewer.GetAsync("/api/v1/targets?limit=1000");
        var tag = first.Headers.ETag!;
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(tag, again.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await ConditionalAsync(viewer, tag)).StatusCode);
        Assert.Equal("idle", Telemetry(await first.Content.ReadAsStringAsync(), "broken").GetProperty("sync_status").GetString());

        var sync = await operatorClient.PostAsync("/api/v1/targets/broken/sync", null);
        var runId = JsonDocument.Parse(await sync.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetInt64();
        await UntilAsync(async () => JsonDocument.Parse(await viewer.GetStringAsync($"/api/v1/runs/{runId}")).RootElement.GetProperty("status").GetString() == "failed");

        var after = await ConditionalAsync(viewer, tag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(tag, after.Headers.ETag);
        var broken = Telemetry(await after.Content.ReadAsStringAsync(), "broken");
        Assert.Equal(("error", 1, runId, "failed"), (broken.GetProperty("sync_status").GetString(), broken.GetProperty("total_syncs_attempted").GetInt32(),
            broken.GetProperty("last_run_id").GetInt64(), broken.GetProperty("last_run_status").GetString()));
    }

    [Fact]
    public async Task ProjectTokens_NeverGetAnotherScopesKeptList_WhateverTheOrderOfRequests()
    {
        var yaml = TwoProjects.Config("""
            targets:
              alpha-site: { entrypoint: "true" }
              alpha-docs: { entrypoint: "true" }
              bravo-site: { entrypoint: "true" }
              ops-shared: { entrypoint: "true" }
            """);
        await using var server = await TestServer.StartAsync(yaml, workers: false, checks: false);
        using var global = server.Client(ApiRole.Viewer);
        using var alpha = await ProjectIsolationTests.ProjectClientAsync(server, "alpha-viewer", ApiRole.Viewer, "alpha");
        using var bravo = await ProjectIsolationTests.ProjectClientAsync(server, "bravo-viewer", ApiRole.Viewer, "bravo");

        for (var round = 0; round < 2; round++)
        {
            foreach (var (client, expected) in new[]
                     {
                         (global, new[] { "alpha-site", "alpha-docs", "bravo-site", "ops-shared" }), (alpha, ["alpha-site", "alpha-docs"]), (bravo, ["bravo-site"]),
                     })
            {
                Assert.Equal(expected, Names(await client.GetStringAsync("/api/v1/targets?limit=1000")));
                Assert.Equal(expected[..1], Names(await client.GetStringAsync("/api/v1/targets?limit=1")));
            }
        }

        // A cursor from alpha's pages is alpha's second page for alpha; bravo may not page from it into alpha's targets.
        var cursor = JsonDocument.Parse(await alpha.GetStringAsync("/api/v1/targets?limit=1")).RootElement.GetProperty("next_cursor").GetString();
        Assert.Equal(["alpha-docs"], Names(await alpha.GetStringAsync($"/api/v1/targets?limit=1&cursor={cursor}")));
        Assert.Equal(HttpStatusCode.BadRequest, (await bravo.GetAsync($"/api/v1/targets?limit=1&cursor={cursor}")).StatusCode);
        Assert.Equal(["alpha-docs", "bravo-site"], Names(await global.GetStringAsync($"/api/v1/targets?limit=2&cursor={cursor}")));
    }

    [Fact]
    public async Task KeptList_IsRefusedToARevokedToken_OnceItsSecondIsUp_AndStillSentToAnother()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var db = new TempDirectory();
        await using var store = new SqliteSyncStore(db.Combine("tokens.db"), time);
        await using var server = await TestServer.StartAsync("targets:\n  site: { entrypoint: \"true\" }\n", _ => store, workers: false, time: time);
        var token = ApiTokens.Generate();
        await store.CreateTokenAsync("dashboard", ApiRole.Viewer, ApiTokens.Hash(token), CancellationToken.None);
        using var dashboard = server.Client();
        dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var other = server.Client(ApiRole.Viewer);
        var kept = await dashboard.GetStringAsync("/api/v1/targets?limit=1000");

        Assert.True(await store.RevokeTokenAsync("dashboard", CancellationToken.None));
        time.Advance(TokenCache.Lifetime);

        var refused = await dashboard.GetAsync("/api/v1/targets?limit=1000");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain("site", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(kept, await other.GetStringAsync("/api/v1/targets?limit=1000"));
    }

    [Fact]
    public async Task KeptList_ShowsNextRunNeverBeforeNow_AsTheClockMoves()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var db = new TempDirectory();
        await using var store = new SqliteSyncStore(db.Combine("clock.db"), time);
        await using var server = await TestServer.StartAsync("targets:\n  hourly: { entrypoint: \"true\", schedule: hourly }\n", _ => store, workers: false, time: time);
        using var viewer = server.Client(ApiRole.Viewer);

        Assert.InRange(NextRun(await viewer.GetStringAsync("/api/v1/targets?limit=1000")), time.GetUtcNow(), time.GetUtcNow().AddHours(2));
        time.Advance(TimeSpan.FromHours(3));

        // Nothing ran and no event moved the log: only the clock says the kept page's next run is in the past.
        Assert.InRange(NextRun(await viewer.GetStringAsync("/api/v1/targets?limit=1000")), time.GetUtcNow(), time.GetUtcNow().AddHours(2));
    }

    private static async Task<HttpResponseMessage> ConditionalAsync(HttpClient client, EntityTagHeaderValue tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/targets?limit=1000");
        request.Headers.IfNoneMatch.Add(tag);
        return await client.SendAsync(request);
    }

    private static JsonElement Telemetry(string list, string target) =>
        JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == target).GetProperty("telemetry");

    private static DateTimeOffset NextRun(string list) => Telemetry(list, "hourly").GetProperty("next_run_at").GetDateTimeOffset();

    private static string[] Names(string list) =>
        [.. JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!)];

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
