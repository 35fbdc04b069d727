using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// What status says while a run waits out a retry backoff, after the target recovers, and while a run waits for
/// a rate-limit token: through a real node's worker, its REST API and metrics, and the CLI on the same store.
/// </summary>
public sealed class TargetStatusTruthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DuringBackoff_ShowsRetryingWithAttemptErrorAndNextAttempt_AfterRecovery_TheErrorIsHistoryOnly()
    {
        await using var server = await TestServer.StartAsync("""
            targets:
              flaky:
                entrypoint: "if [ -f fixed ]; then echo ok; else echo 'upstream broke' >&2; exit 3; fi"
                retry: { attempts: 3, backoff: [1h] }
            """);
        using var operatorClient = server.Client(ApiRole.Operator);
        using var viewer = server.Client(ApiRole.Viewer);

        (await operatorClient.PostAsync("/api/v1/targets/flaky/sync", null)).EnsureSuccessStatusCode();
        var retrying = await TelemetryWhenAsync(viewer, t => t.GetProperty("sync_status").GetString() == "retrying");
        var listed = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/targets")).GetProperty("items")[0].GetProperty("telemetry");
        var cli = await CliStatusAsync(server);
        await MetricsScrape.UntilContainsAsync(viewer, MetricsScrape.Sample("syncplane_target_consecutive_failures", ("target", "flaky")) + "1\n");

        Assert.Equal((1, 2, 3), (retrying.GetProperty("consecutive_failures").GetInt32(), retrying.GetProperty("attempt").GetInt32(), retrying.GetProperty("max_attempts").GetInt32()));
        Assert.EndsWith("exited with code 3: upstream broke", retrying.GetProperty("last_sync_error").GetString(), StringComparison.Ordinal);
        var failedAt = retrying.GetProperty("last_sync_error_at").GetDateTimeOffset();
        Assert.InRange(retrying.GetProperty("next_attempt_at").GetDateTimeOffset() - failedAt, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Equal("retrying", listed.GetProperty("sync_status").GetString());
        Assert.Equal(("retrying", 1, 2), (cli.GetProperty("status").GetString(), cli.GetProperty("consecutive_failures").GetInt32(), cli.GetProperty("attempt").GetInt32()));
        Assert.EndsWith("upstream broke", cli.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(failedAt, cli.GetProperty("last_error_at").GetDateTimeOffset());

        server.Directory.Write("fixed", "");
        (await operatorClient.PostAsync("/api/v1/targets/flaky/sync", null)).EnsureSuccessStatusCode(); // supersedes the pending retry
        var recovered = await TelemetryWhenAsync(viewer, t => t.TryGetProperty("last_good_run_id", out _) && t.GetProperty("sync_status").GetString() == "idle");
        var cliAfter = await CliStatusAsync(server);
        await MetricsScrape.UntilContainsAsync(viewer, MetricsScrape.Sample("syncplane_target_consecutive_failures", ("target", "flaky")) + "0\n");

        Assert.Equal(JsonValueKind.Null, recovered.GetProperty("last_sync_error").ValueKind); // a seed 003 field: present, null
        Assert.False(recovered.TryGetProperty("last_sync_error_at", out _));
        Assert.EndsWith("upstream broke", recovered.GetProperty("previous_sync_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(failedAt, recovered.GetProperty("previous_sync_error_at").GetDateTimeOffset());
        Assert.Equal(0, recovered.GetProperty("consecutive_failures").GetInt32());
        Assert.False(recovered.TryGetProperty("attempt", out _));
        Assert.Equal(("idle", JsonValueKind.Null), (cliAfter.GetProperty("status").GetString(), cliAfter.GetProperty("last_error").ValueKind));
        Assert.EndsWith("upstream broke", cliAfter.GetProperty("previous_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhileARunWaitsForOurRateLimitToken_StatusIsWaitingNamingTheLimit_AndTheLogSaysSoAtOnce()
    {
        await using var api = new LoopbackHttpServer(path => new LoopbackHttpServer.Reply(200,
            path.Contains("page=2", StringComparison.Ordinal) ? """{"data":[{"id":2}]}""" : """{"data":[{"id":1}],"next":"/items?page=2"}""",
            ContentType: "application/json"));
        await using var server = await TestServer.StartAsync($$"""
            rate_limits:
              ads: 1/10s
            targets:
              paced:
                source: { http: { url: "{{api.Url}}items", records: data, key: [id], next: next } }
                destination: { directory: { path: out } }
                rate_limit: ads
            """);
        using var operatorClient = server.Client(ApiRole.Operator);
        using var viewer = server.Client(ApiRole.Viewer);

        var queued = await (await operatorClient.PostAsync("/api/v1/targets/paced/sync", null)).Content.ReadFromJsonAsync<JsonElement>();
        var runId = queued.GetProperty("run_id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var waiting = await TelemetryWhenAsync(viewer, t => t.GetProperty("sync_status").GetString() == "waiting", "paced");
        var log = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}/log");
        var run = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");

        Assert.StartsWith("waiting for rate limit 'ads' (1/10s): next token in ", waiting.GetProperty("waiting_reason").GetString(), StringComparison.Ordinal);
        Assert.True(waiting.GetProperty("waiting_until").GetDateTimeOffset() > waiting.GetProperty("last_sync_attempted_at").GetDateTimeOffset());
        Assert.Equal(0, waiting.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal("running", run.GetProperty("status").GetString());
        Assert.Contains(log.EnumerateArray(), l => l.GetProperty("message").GetString()!.StartsWith("waiting for rate limit 'ads' (1/10s): next token in ", StringComparison.Ordinal));

        var done = await TelemetryWhenAsync(viewer, t => t.GetProperty("sync_status").GetString() == "idle" && t.TryGetProperty("last_good_run_id", out _), "paced");
        var fullLog = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}/log");
        Assert.False(done.TryGetProperty("waiting_reason", out _));
        Assert.Single(fullLog.EnumerateArray(), l => l.GetProperty("message").GetString()!.StartsWith("waiting for rate limit", StringComparison.Ordinal)); // recorded once, not again at the end
    }

    // Polls the target's telemetry until it matches; bounded.
    private static async Task<JsonElement> TelemetryWhenAsync(HttpClient client, Func<JsonElement, bool> done, string target = "flaky")
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var telemetry = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/targets/{target}")).GetProperty("telemetry");
            if (done(telemetry))
            {
                return telemetry;
            }

            Assert.True(clock.Elapsed < Patience, $"telemetry never matched: {telemetry}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonElement> CliStatusAsync(TestServer server)
    {
        var status = await SyncplaneCli.RunAsync(server.Directory.Path, "status", "--json", "--store", server.Directory.Combine(".syncplane", "test.db"));
        Assert.Equal(0, status.ExitCode);
        return JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray().Single();
    }
}
