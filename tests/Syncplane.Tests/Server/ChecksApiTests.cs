using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Checks;
using Syncplane.Events;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>/api/v1/checks on a real node whose check scheduler probes real ports and commands on loopback.</summary>
public sealed class ChecksApiTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _closedPort;

    public ChecksApiTests()
    {
        _listener.Start();
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        _closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Serve_ProbesDeclaredChecks_ListsTheirStatuses_AndAStatusChangeIsACheckChangedEvent()
    {
        var openPort = ((IPEndPoint)_listener.LocalEndpoint).Port;
        await using var server = await TestServer.StartAsync($$"""
            targets:
              docs: { entrypoint: "true" }
            checks:
              api-port: { tcp: "127.0.0.1:{{openPort}}", interval: 1s }
              closed-port: { tcp: "127.0.0.1:{{_closedPort}}" }
              cli: { command: "echo logged in", output_pattern: "logged in" }
            """, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);

        var list = await PollAsync(viewer, "/api/v1/checks", j => j.GetProperty("items").EnumerateArray().All(i => i.GetProperty("status").GetString() != "unknown"));
        var statuses = list.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("status").GetString());
        Assert.Equal("healthy", statuses["api-port"]);
        Assert.Equal("down", statuses["closed-port"]);
        Assert.Equal("healthy", statuses["cli"]);
        Assert.Equal("down", list.GetProperty("overall").GetString());

        await using var stream = await SseClient.ConnectAsync(viewer, "/api/v1/events?type=check.changed");
        _listener.Stop();
        var (change, _) = await stream.WaitForAsync(e => e.Data.GetProperty("name").GetString() == "api-port", "api-port's check.changed", Deadline);
        Assert.Equal(("down", "healthy"), (change.Data.GetProperty("status").GetString(), change.Data.GetProperty("previous").GetString()));
        await PollAsync(viewer, "/api/v1/checks/api-port", j => j.GetProperty("check").GetProperty("status").GetString() == "down");

        var changes = (await server.Store.ReadEventsAsync(0, 1000, CancellationToken.None))
            .Where(e => e.Type == EventTypes.CheckChanged)
            .Select(e => JsonDocument.Parse(e.Data).RootElement)
            .Where(d => d.GetProperty("name").GetString() == "api-port")
            .Select(d => (d.GetProperty("previous").GetString(), d.GetProperty("status").GetString()))
            .ToList();
        Assert.Equal([("unknown", "healthy"), ("healthy", "down")], changes);
    }

    [Fact]
    public async Task CheckDetail_HasRecentHistory_AndDailyUptimeAndLatencyPercentiles()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync("""
            targets:
              docs: { entrypoint: "true" }
            checks:
              site: { tcp: "127.0.0.1:1" }
            """, workers: false, time: time, checks: false);
        // 1 March: latencies 10..100 ms; 7 healthy, 1 degraded, 2 down.
        var march1 = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 10; i++)
        {
            var status = i < 7 ? CheckStatus.Healthy : i == 7 ? CheckStatus.Degraded : CheckStatus.Down;
            await RecordAsync(server, status, (i + 1) * 10, march1.AddMinutes(i));
        }

        // 2 March: latencies 5..100 ms; 19 healthy and 1 unknown (left out of uptime).
        var march2 = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 20; i++)
        {
            await RecordAsync(server, i == 0 ? CheckStatus.Unknown : CheckStatus.Healthy, (i + 1) * 5, march2.AddMinutes(i));
        }

        using var viewer = server.Client(ApiRole.Viewer);
        var json = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/checks/site?limit=3")).RootElement;

        Assert.Equal([100, 95, 90], json.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("latency_ms").GetInt64()));
        Assert.Equal("healthy", json.GetProperty("check").GetProperty("status").GetString());
        var daily = json.GetProperty("daily").EnumerateArray().ToList();
        Assert.Equal(["2026-03-02", "2026-03-01"], daily.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal((20, 100.0, 50L, 95L, 100L), Numbers(daily[0]));
        Assert.Equal(1, daily[0].GetProperty("unknown").GetInt32());
        Assert.Equal((10, 80.0, 50L, 100L, 100L), Numbers(daily[1]));
        Assert.Equal(2, daily[1].GetProperty("down").GetInt32());

        var oneDay = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/checks/site?days=1")).RootElement;
        Assert.Equal("2026-03-02", Assert.Single(oneDay.GetProperty("daily").EnumerateArray()).GetProperty("date").GetString());
    }

    [Fact]
    public async Task UnknownCheck_Is404Problem_AndBadLimitsAre400()
    {
        await using var server = await TestServer.StartAsync("""
            targets:
              docs: { entrypoint: "true" }
            checks:
              site: { tcp: "127.0.0.1:1" }
            """, workers: false, checks: false);
        using var viewer = server.Client(ApiRole.Viewer);

        using var missing = await viewer.GetAsync("/api/v1/checks/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync("/api/v1/checks/site?days=31")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync("/api/v1/checks/site?limit=0")).StatusCode);
        var neverChecked = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/checks")).RootElement;
        Assert.Equal("unknown", Assert.Single(neverChecked.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
    }

    private static (int Samples, double Uptime, long P50, long P95, long P99) Numbers(JsonElement day) =>
        (day.GetProperty("samples").GetInt32(), day.GetProperty("uptime_percent").GetDouble(),
         day.GetProperty("latency_p50_ms").GetInt64(), day.GetProperty("latency_p95_ms").GetInt64(), day.GetProperty("latency_p99_ms").GetInt64());

    private static Task RecordAsync(TestServer server, CheckStatus status, long latency, DateTimeOffset at) =>
        server.Store.RecordCheckResultAsync(
            new CheckResult { Name = "site", Kind = "tcp", Status = status, LatencyMs = latency, Message = status.ToText(), CheckedAt = at },
            CancellationToken.None);

    private static async Task<JsonElement> PollAsync(HttpClient client, string path, Func<JsonElement, bool> done)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var json = JsonDocument.Parse(await client.GetStringAsync(path, deadline.Token)).RootElement.Clone();
            if (done(json))
            {
                return json;
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
