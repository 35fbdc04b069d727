using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Server.Security;
using Syncplane.Server.Telemetry;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// Targets requests read telemetry from a snapshot kept while the event log has not moved, and token checks
/// remember a found token for a second (issue 18): repeated requests cost no store reads, yet a run, a pause made
/// by another process and a revocation all show up.
/// </summary>
public sealed class ApiReadCachingTests
{
    private const string Yaml = """
        targets:
          docs: { entrypoint: "true", schedule: hourly }
          site: { entrypoint: "true" }
        """;

    [Fact]
    public async Task RepeatedTargetReads_QueryTheStoreOnce_YetARunAndAnotherProcessesPauseShowAtOnce()
    {
        using var db = new TempDirectory();
        var path = db.Combine("api.db");
        await using var sqlite = new SqliteSyncStore(path, TimeProvider.System);
        var store = new InterceptingStore(sqlite);
        // The metrics snapshot reads target states too; only on run events here, not on a timer.
        await using var server = await TestServer.StartAsync(Yaml, _ => store.Proxy, metrics: new MetricsOptions { RefreshInterval = TimeSpan.FromHours(1) });
        using var viewer = server.Client(ApiRole.Viewer);
        using var operatorClient = server.Client(ApiRole.Operator);

        // This process hears its own start-up writes through the wake files a moment later, and each moves the log.
        await UntilQuietAsync(sqlite);
        await viewer.GetStringAsync("/api/v1/targets");
        var reads = States(store);
        for (var i = 0; i < 10; i++)
        {
            await viewer.GetStringAsync("/api/v1/targets?limit=1000");
            await viewer.GetStringAsync("/api/v1/targets/docs");
            await viewer.GetStringAsync("/api/v1/targets/site/status");
        }

        Assert.Equal(reads, States(store));

        var sync = await operatorClient.PostAsync("/api/v1/targets/site/sync", null);
        var runId = JsonDocument.Parse(await sync.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetInt64();
        await UntilAsync(async () => JsonDocument.Parse(await viewer.GetStringAsync($"/api/v1/runs/{runId}")).RootElement.GetProperty("status").GetString() == "succeeded");
        var site = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/targets/site")).RootElement.GetProperty("telemetry");
        Assert.Equal((1, runId, "succeeded"), (site.GetProperty("total_syncs_attempted").GetInt32(), site.GetProperty("last_run_id").GetInt64(), site.GetProperty("last_run_status").GetString()));

        // Another process on the same file (as `syncplane pause` would be): its change reaches this node through the wake files.
        await using (var other = new SqliteSyncStore(path, TimeProvider.System))
        {
            await other.SetPausedAsync("docs", "paused from elsewhere", CancellationToken.None);
        }

        await UntilAsync(async () => (await viewer.GetStringAsync("/api/v1/targets?limit=1000")).Contains("paused from elsewhere", StringComparison.Ordinal));
        var docs = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/targets/docs")).RootElement.GetProperty("telemetry");
        Assert.Equal("paused from elsewhere", docs.GetProperty("paused_reason").GetString());
        Assert.False(docs.TryGetProperty("next_run_at", out _));
    }

    [Fact]
    public async Task AFoundToken_IsNotLookedUpPerRequest_AndARevokedOneIsRefusedOnceItsSecondIsUp()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var db = new TempDirectory();
        await using var sqlite = new SqliteSyncStore(db.Combine("tokens.db"), time);
        var store = new InterceptingStore(sqlite);
        await using var server = await TestServer.StartAsync(Yaml, _ => store.Proxy, workers: false, time: time);
        var token = ApiTokens.Generate();
        await sqlite.CreateTokenAsync("dashboard", ApiRole.Viewer, ApiTokens.Hash(token), CancellationToken.None);
        using var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var lookups = Lookups(store);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/targets/docs")).StatusCode);
        }

        Assert.Equal(lookups + 1, Lookups(store));

        Assert.True(await sqlite.RevokeTokenAsync("dashboard", CancellationToken.None));
        time.Advance(TokenCache.Lifetime);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/targets/docs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/targets")).StatusCode);
    }

    private static int States(InterceptingStore store) => store.Calls.GetValueOrDefault(nameof(ISyncStore.ListTargetStatesAsync));

    private static int Lookups(InterceptingStore store) => store.Calls.GetValueOrDefault(nameof(ISyncStore.FindTokenAsync));

    private static async Task UntilQuietAsync(SqliteSyncStore store)
    {
        var quietSince = DateTime.UtcNow;
        var version = store.EventLogVersion;
        await UntilAsync(() =>
        {
            if (store.EventLogVersion != version)
            {
                (version, quietSince) = (store.EventLogVersion, DateTime.UtcNow);
            }

            return Task.FromResult(DateTime.UtcNow - quietSince > TimeSpan.FromSeconds(1));
        });
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
