using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>Runs through the API on a node with a worker: list, one run, log (also followed), retry, cancel.</summary>
public sealed class RunsApiTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          ok:
            entrypoint: "echo hello from ok"
          broken:
            entrypoint: "exit 3"
            retry: { attempts: 1 }
          slow:
            entrypoint: "echo started; sleep 60"
          nightly:
            entrypoint: "true"
            schedule: "0 3 * * *"
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml, lease: TimeSpan.FromSeconds(3));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FinishedRuns_AreListedFilteredPaginated_AndShowCountersAndLog()
    {
        using var client = _server.Client(ApiRole.Operator);
        var ok = await SyncAsync(client, "ok");
        await WaitForAsync(ok, RunStatus.Succeeded);
        var broken = await SyncAsync(client, "broken");
        await WaitForAsync(broken, RunStatus.Failed);

        var all = await GetJsonAsync(client, "/api/v1/runs?limit=1");
        var next = await GetJsonAsync(client, "/api/v1/runs?limit=1&cursor=" + all.GetProperty("next_cursor").GetString());
        var failed = await GetJsonAsync(client, "/api/v1/runs?status=failed");
        var okOnly = await GetJsonAsync(client, "/api/v1/runs?target=ok");
        var run = await GetJsonAsync(client, $"/api/v1/runs/{ok}");
        var log = await GetJsonAsync(client, $"/api/v1/runs/{ok}/log");

        Assert.Equal([broken], all.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal([ok], next.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal([broken], failed.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal([ok], okOnly.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(("ok", "succeeded", "api", 1), (run.GetProperty("target").GetString(), run.GetProperty("status").GetString(), run.GetProperty("trigger").GetString(), run.GetProperty("attempt").GetInt32()));
        Assert.True(run.GetProperty("duration_seconds").GetDouble() >= 0);
        Assert.Contains(log.EnumerateArray(), l => l.GetProperty("message").GetString()!.Contains("hello from ok", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/runs?status=sideways")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/runs/99999")).StatusCode);
    }

    [Fact]
    public async Task Retry_OfAFailedRun_QueuesAFreshRun_OfASucceededRunIs409()
    {
        using var client = _server.Client(ApiRole.Operator);
        var broken = await SyncAsync(client, "broken");
        await WaitForAsync(broken, RunStatus.Failed);
        var ok = await SyncAsync(client, "ok");
        await WaitForAsync(ok, RunStatus.Succeeded);

        var retry = await client.PostAsync($"/api/v1/runs/{broken}/retry", null);
        var refused = await client.PostAsync($"/api/v1/runs/{ok}/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var body = JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement;
        var fresh = body.GetProperty("run_id").GetInt64();
        Assert.True(fresh > ok);
        Assert.Equal(broken, body.GetProperty("retry_of").GetInt64());
        Assert.Equal("retry", (await _server.Store.GetRunAsync(fresh, CancellationToken.None))!.Trigger);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cancel_OfARunningRun_IsNoticedByItsWorker_WhichEndsItAsCancelledByTheToken_AndFollowingTheLogEnds()
    {
        using var client = _server.Client(ApiRole.Operator);
        var slow = await SyncAsync(client, "slow");
        await WaitForAsync(slow, RunStatus.Running);
        using var follower = _server.Client(ApiRole.Viewer);
        using var stream = await follower.GetAsync($"/api/v1/runs/{slow}/log?follow=true", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("application/x-ndjson", stream.Content.Headers.ContentType?.MediaType);

        var cancel = await client.PostAsync($"/api/v1/runs/{slow}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var run = await WaitForAsync(slow, RunStatus.Cancelled);

        Assert.StartsWith("cancelled by token:test-operator-", run.Message, StringComparison.Ordinal);
        using var reading = new CancellationTokenSource(Deadline);
        var lines = (await stream.Content.ReadAsStringAsync(reading.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()!.Contains("started", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/v1/runs/{slow}/cancel", null)).StatusCode);
        Assert.Contains(await _server.Store.ListAuditAsync(null, 10, CancellationToken.None), a => a.Action == "run.cancel" && a.Subject == "slow");
    }

    [Fact]
    public async Task Cancel_OfAQueuedRun_EndsItAtOnce()
    {
        var queued = await _server.Store.EnqueueAsync(
            new RunRequest("ok", "schedule", RunPriority.Scheduled, _server.Context.Time.GetUtcNow().AddHours(1)), CancellationToken.None);
        using var client = _server.Client(ApiRole.Operator);

        var cancel = await client.PostAsync($"/api/v1/runs/{queued.RunId}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var run = (await _server.Store.GetRunAsync(queued.RunId, CancellationToken.None))!;
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.StartsWith("cancelled by token:test-operator-", run.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverviewAndMetrics_ReflectFinishedRuns()
    {
        using var client = _server.Client(ApiRole.Operator);
        await WaitForAsync(await SyncAsync(client, "ok"), RunStatus.Succeeded);
        await WaitForAsync(await SyncAsync(client, "broken"), RunStatus.Failed);

        var overview = await GetJsonAsync(client, "/api/v1/overview");
        var text = await MetricsScrape.UntilContainsAsync(client,
            MetricsScrape.Sample("syncplane_runs_total", ("target", "ok"), ("status", "succeeded")) + "1\n",
            MetricsScrape.Sample("syncplane_runs_total", ("target", "broken"), ("status", "failed")) + "1\n");
        var metrics = await client.GetAsync("/metrics");

        Assert.Equal(1, overview.GetProperty("runs_last_24h").GetProperty("succeeded").GetInt32());
        Assert.Equal(1, overview.GetProperty("runs_last_24h").GetProperty("failed").GetInt32());
        Assert.Equal(["nightly"], overview.GetProperty("stale_targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()));
        Assert.Equal(["broken"], overview.GetProperty("failing_targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
        Assert.Contains(MetricsScrape.Sample("syncplane_run_duration_seconds_count", ("target", "ok")) + "1\n", text, StringComparison.Ordinal);
        Assert.Contains(MetricsScrape.Sample("syncplane_queue_depth") + "0\n", text, StringComparison.Ordinal);
        Assert.Contains(MetricsScrape.Sample("syncplane_target_last_success_timestamp_seconds", ("target", "ok")), text, StringComparison.Ordinal);
        Assert.Contains(MetricsScrape.Sample("syncplane_target_freshness_seconds", ("target", "ok")), text, StringComparison.Ordinal);
        Assert.DoesNotContain(MetricsScrape.Sample("syncplane_target_freshness_seconds", ("target", "broken")), text, StringComparison.Ordinal);
    }

    private static async Task<long> SyncAsync(HttpClient client, string target)
    {
        var response = await client.PostAsync($"/api/v1/targets/{target}/sync", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetInt64();
    }

    private async Task<RunRecord> WaitForAsync(long runId, RunStatus status)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var run = await _server.Store.GetRunAsync(runId, CancellationToken.None);
            if (run?.Status == status)
            {
                return run;
            }

            Assert.False(deadline.IsCancellationRequested, $"run {runId} is {run?.Status}, not {status}, after {Deadline}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(path)).RootElement;
}
