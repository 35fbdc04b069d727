using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Checks;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

public sealed class AnalyticsApiTests
{
    private const string Yaml = """
        targets:
          docs: { entrypoint: "true" }
          site: { entrypoint: "true" }
        checks:
          api: { tcp: "127.0.0.1:1" }
        """;

    [Fact]
    public async Task Analytics_HourlySeriesOfATarget_CountsRunsPerHour_FillsQuietHours_AndMeasuresFreshness()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(Yaml, workers: false, time: time, checks: false);
        // 09:00: docs succeeds twice (2 s and 4 s) and fails once; 11:00: site succeeds once.
        await RunAsync(server, time, "docs", RunStatus.Succeeded, 2);
        await RunAsync(server, time, "docs", RunStatus.Succeeded, 4);
        await RunAsync(server, time, "docs", RunStatus.Failed, 1);
        time.Advance(TimeSpan.FromHours(2));
        await RunAsync(server, time, "site", RunStatus.Succeeded, 1);
        time.Advance(TimeSpan.FromMinutes(30));
        using var viewer = server.Client(ApiRole.Viewer);

        var docs = await GetAsync(viewer, "/api/v1/analytics?target=docs&step=hour&from=2026-11-03T09:00:00Z&to=2026-11-03T12:00:00Z");

        var points = docs.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(["2026-11-03T09:00:00Z", "2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z"], points.Select(p => p.GetProperty("start").GetString()));
        Assert.Equal([3, 0, 0], points.Select(p => p.GetProperty("attempts").GetInt32()));
        Assert.Equal((2, 1, 0.6667), (points[0].GetProperty("successes").GetInt32(), points[0].GetProperty("failures").GetInt32(), points[0].GetProperty("success_rate").GetDouble()));
        // Above 256 ms a percentile is its histogram bucket's middle (buckets at most 0.8 % wide); the maximum is exact.
        Assert.InRange(points[0].GetProperty("duration_p50_ms").GetInt64(), 2000, 2016);
        Assert.Equal(4000L, points[0].GetProperty("duration_max_ms").GetInt64());
        Assert.False(points[1].TryGetProperty("duration_p50_ms", out _), "a quiet hour has no percentiles (nulls are left out)");
        // The last success finished at 09:00:06: at the end of 09:00-10:00 the data is 3,594 s old; the current hour measures it now.
        Assert.Equal(3600 - 6, points[0].GetProperty("freshness_seconds").GetDouble());
        Assert.Equal((time.GetUtcNow() - new DateTimeOffset(2026, 11, 3, 9, 0, 6, TimeSpan.Zero)).TotalSeconds, points[2].GetProperty("freshness_seconds").GetDouble());

        var all = await GetAsync(viewer, "/api/v1/analytics?step=day&from=2026-11-03T00:00:00Z&to=2026-11-04T00:00:00Z");
        var day = Assert.Single(all.GetProperty("points").EnumerateArray());
        Assert.Equal((4, 3), (day.GetProperty("attempts").GetInt32(), day.GetProperty("successes").GetInt32()));
        Assert.False(day.TryGetProperty("freshness_seconds", out _), "freshness is per target");
    }

    [Fact]
    public async Task Analytics_OfACheck_GivesUptimeAndLatencyPerDay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(Yaml, workers: false, time: time, checks: false);
        foreach (var (status, latency) in new[] { (CheckStatus.Healthy, 10L), (CheckStatus.Healthy, 30L), (CheckStatus.Down, 20L), (CheckStatus.Degraded, 40L) })
        {
            await server.Store.RecordCheckResultAsync(new CheckResult { Name = "api", Kind = "tcp", Status = status, LatencyMs = latency, Message = "m", CheckedAt = time.GetUtcNow() }, CancellationToken.None);
        }

        using var viewer = server.Client(ApiRole.Viewer);
        var json = await GetAsync(viewer, "/api/v1/analytics?check=api&from=2026-11-02T00:00:00Z&to=2026-11-04T00:00:00Z");

        var days = json.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal([0, 4], days.Select(d => d.GetProperty("samples").GetInt32()));
        Assert.Equal((75.0, 20L, 40L), (days[1].GetProperty("uptime_percent").GetDouble(), days[1].GetProperty("latency_p50_ms").GetInt64(), days[1].GetProperty("latency_max_ms").GetInt64()));
    }

    [Theory]
    [InlineData("step=week", "'step' must be hour or day")]
    [InlineData("from=2026-11-03T10:00:00Z&to=2026-11-03T09:00:00Z", "must be before")]
    [InlineData("from=2026-11-03T10:00:00", "RFC 3339")]
    [InlineData("from=yesterday", "RFC 3339")]
    [InlineData("target=docs&check=api", "not both")]
    [InlineData("step=hour&from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z", "at most 2232 points")]
    public async Task Analytics_BadParameters_Are400ProblemsSayingWhatIsWrong(string query, string detail)
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false, checks: false);
        using var viewer = server.Client(ApiRole.Viewer);

        using var response = await viewer.GetAsync("/api/v1/analytics?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task RunAsync(TestServer server, FakeTimeProvider time, string target, RunStatus status, int seconds)
    {
        var id = await server.Store.StartRunAsync(new NewRun(target, "cli", "pull", false), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(seconds));
        await server.Store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = "m" }, CancellationToken.None);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(path)).RootElement;
}
