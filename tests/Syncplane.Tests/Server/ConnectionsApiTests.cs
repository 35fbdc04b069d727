using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>Seed 003's <c>/connections/{id}/…</c> routes, as its front end calls them, against a real node.</summary>
public sealed partial class ConnectionsApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // The eight fields of the seed's ConnectionSyncStatus, in its order.
    private static readonly string[] SeedFields =
    [
        "sync_frequency", "last_sync_attempted_at", "last_sync_completed_at", "last_metrics_changed_at",
        "total_syncs_attempted", "total_syncs_with_changes", "sync_status", "last_sync_error",
    ];

    private const string Yaml = """
        targets:
          ads:
            entrypoint: "if [ -f ok ]; then echo synced; else echo 'token expired' >&2; exit 3; fi"
            schedule: hourly
            retry: { attempts: 1 }
        """;

    [Fact]
    public async Task SyncStatus_BeforeAnyRun_HasExactlyTheSeedsEightFields_NullWhenUnknown()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);

        foreach (var path in new[] { "/connections/ads/sync-status", "/api/v1/connections/ads/sync-status" })
        {
            var status = await viewer.GetFromJsonAsync<JsonElement>(path);

            Assert.Equal(SeedFields, status.EnumerateObject().Select(p => p.Name));
            Assert.Equal(("hourly", "idle", 0, 0), (status.GetProperty("sync_frequency").GetString(), status.GetProperty("sync_status").GetString(),
                status.GetProperty("total_syncs_attempted").GetInt32(), status.GetProperty("total_syncs_with_changes").GetInt32()));
            Assert.All(["last_sync_attempted_at", "last_sync_completed_at", "last_metrics_changed_at", "last_sync_error"],
                f => Assert.Equal(JsonValueKind.Null, status.GetProperty(f).ValueKind));
        }

        // The /api/v1 telemetry carries the same eight, also present as null.
        var telemetry = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/targets/ads/status");
        Assert.All(SeedFields, f => Assert.True(telemetry.TryGetProperty(f, out _), f));
        Assert.Equal(JsonValueKind.Null, telemetry.GetProperty("last_sync_completed_at").ValueKind);
    }

    [Fact]
    public async Task ListConnections_ListsEveryTargetWithItsIdAndTheEightFields_WithOrWithoutTheTrailingSlash()
    {
        await using var server = await TestServer.StartAsync(Yaml + "\n  docs: { entrypoint: \"true\" }\n", workers: false);
        using var viewer = server.Client(ApiRole.Viewer);

        foreach (var path in new[] { "/connections/", "/connections", "/api/v1/connections" })
        {
            var list = (await viewer.GetFromJsonAsync<JsonElement>(path)).EnumerateArray().ToList();

            Assert.Equal(["ads", "docs"], list.Select(c => c.GetProperty("id").GetString()));
            Assert.Equal(["id", "name", .. SeedFields], list[0].EnumerateObject().Select(p => p.Name));
            Assert.Equal("hourly", list[0].GetProperty("sync_frequency").GetString());
            Assert.Equal(JsonValueKind.Null, list[1].GetProperty("last_sync_completed_at").ValueKind);
        }

        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/connections/")).StatusCode);
    }

    [Fact]
    public async Task SyncNow_ThenAFailedSync_CompletedIsTheLastSuccess_AttemptedTheLastStart_TimestampsInUtcWithZ()
    {
        await using var server = await TestServer.StartAsync(Yaml);
        using var operatorClient = server.Client(ApiRole.Operator);
        using var viewer = server.Client(ApiRole.Viewer);
        server.Directory.Write("ok", "");

        var queued = await operatorClient.PostAsync("/connections/ads/sync-now", null);
        var job = await queued.Content.ReadFromJsonAsync<JsonElement>();
        var good = await StatusWhenAsync(viewer, s => s.GetProperty("total_syncs_attempted").GetInt32() == 1 && s.GetProperty("sync_status").GetString() == "idle");
        File.Delete(server.Directory.Combine("ok"));
        (await operatorClient.PostAsync("/connections/ads/sync-now", null)).EnsureSuccessStatusCode();
        var failed = await StatusWhenAsync(viewer, s => s.GetProperty("total_syncs_attempted").GetInt32() == 2 && s.GetProperty("sync_status").GetString() == "error");
        var v1 = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/targets/ads/status");

        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        Assert.Equal(["job_id", "status"], job.EnumerateObject().Select(p => p.Name));
        Assert.Equal("queued", job.GetProperty("status").GetString());
        var run = await server.Store.GetRunAsync(job.GetProperty("job_id").GetInt64(), CancellationToken.None);
        Assert.Equal(("ads", "api"), (run!.Target, run.Trigger));

        var completed = good.GetProperty("last_sync_completed_at").GetString()!;
        Assert.Equal(completed, failed.GetProperty("last_sync_completed_at").GetString()); // the last *successful* completion
        Assert.True(failed.GetProperty("last_sync_attempted_at").GetDateTimeOffset() > DateTimeOffset.Parse(completed, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("token expired", failed.GetProperty("last_sync_error").GetString(), StringComparison.Ordinal);
        Assert.All(["last_sync_attempted_at", "last_sync_completed_at"], f => Assert.Matches(UtcTimestamp(), failed.GetProperty(f).GetString()));

        // /api/v1 means the same by the seed's names; any outcome's finish is last_finished_at.
        Assert.Equal(completed, v1.GetProperty("last_sync_completed_at").GetString());
        Assert.Equal(completed, v1.GetProperty("last_succeeded_at").GetString());
        Assert.True(v1.GetProperty("last_finished_at").GetDateTimeOffset() > failed.GetProperty("last_sync_attempted_at").GetDateTimeOffset());
        Assert.Matches(UtcTimestamp(), v1.GetProperty("last_finished_at").GetString());
    }

    [Theory]
    [InlineData("realtime", "realtime")]
    [InlineData("Realtime", "realtime")]
    [InlineData("DAILY", "daily")]
    [InlineData("5min", "5min")]
    public async Task SyncFrequency_SeedBody_AnswersTheSyncStatusWithTheCanonicalPreset(string sent, string canonical)
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var admin = server.Client(ApiRole.Admin);

        var response = await admin.PatchAsJsonAsync("/connections/ads/sync-frequency", new { sync_frequency = sent });
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        var again = await admin.GetFromJsonAsync<JsonElement>("/connections/ads/sync-status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SeedFields, status.EnumerateObject().Select(p => p.Name));
        Assert.Equal((canonical, canonical), (status.GetProperty("sync_frequency").GetString(), again.GetProperty("sync_frequency").GetString()));
        Assert.Equal(canonical, (await server.Store.ListTargetSettingsAsync(CancellationToken.None)).Single().FrequencyOverride);
    }

    [Fact]
    public async Task SyncFrequency_BadValueOrBody_Is400AndChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var admin = server.Client(ApiRole.Admin);

        var bad = await admin.PatchAsJsonAsync("/connections/ads/sync-frequency", new { sync_frequency = "sometimes" });
        var ours = await admin.PatchAsJsonAsync("/connections/ads/sync-frequency", new { frequency = "daily" });
        var unknown = await admin.PatchAsJsonAsync("/connections/nope/sync-frequency", new { sync_frequency = "daily" });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound), (bad.StatusCode, ours.StatusCode, unknown.StatusCode));
        Assert.Contains("realtime", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("sync_frequency", await ours.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await server.Store.ListTargetSettingsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Roles_AreThoseOfTheTargetRoutes_ViewerReads_OperatorSyncs_AdminSetsFrequency()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var anonymous = server.Client();
        using var viewer = server.Client(ApiRole.Viewer);
        using var operatorClient = server.Client(ApiRole.Operator);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/connections/ads/sync-status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/connections/ads/sync-status")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/connections/ads/sync-now", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PatchAsJsonAsync("/connections/ads/sync-frequency", new { sync_frequency = "daily" })).StatusCode);
        Assert.Empty(await server.Store.ListTargetSettingsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Accepted, (await operatorClient.PostAsync("/connections/ads/sync-now", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PostAsync("/connections/nope/sync-now", null)).StatusCode);
    }

    [Fact]
    public async Task TargetFrequencyRoute_NormalisesPresetsToo()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var admin = server.Client(ApiRole.Admin);

        var telemetry = await (await admin.PatchAsJsonAsync("/api/v1/targets/ads/frequency", new { frequency = "Realtime" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("realtime", telemetry.GetProperty("sync_frequency").GetString());
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$")]
    private static partial Regex UtcTimestamp();

    private static async Task<JsonElement> StatusWhenAsync(HttpClient client, Func<JsonElement, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>("/connections/ads/sync-status");
            if (done(status))
            {
                return status;
            }

            Assert.True(clock.Elapsed < Patience, $"sync-status never matched: {status}");
            await Task.Delay(50);
        }
    }
}
