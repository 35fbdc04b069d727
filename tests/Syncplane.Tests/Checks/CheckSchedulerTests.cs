using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Events;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Checks;

/// <summary>The interval runner of <c>syncplane serve</c>, one pass at a time on a fake clock, against real TCP ports on loopback.</summary>
public sealed class CheckSchedulerTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private SqliteSyncStore _store = null!;

    public async Task InitializeAsync()
    {
        _listener.Start();
        _store = new SqliteSyncStore(_directory.Combine("state.db"), _time);
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    private int OpenPort => ((IPEndPoint)_listener.LocalEndpoint).Port;

    [Fact]
    public async Task EachCheck_RunsOnItsOwnInterval_AndNotMoreOften()
    {
        var scheduler = Scheduler($$"""
              fast: { tcp: "127.0.0.1:{{OpenPort}}", interval: 10s }
              slow: { command: "echo ok", interval: 30s }
            """);

        var sleep = await PassAsync(scheduler);
        Assert.Equal((1, 1), await CountsAsync());
        Assert.Equal(TimeSpan.FromSeconds(5), sleep); // the lease renewal (15s / 3) comes before the fast check's 10s

        for (var second = 5; second <= 60; second += 5)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await PassAsync(scheduler);
            Assert.Equal((1 + (second / 10), 1 + (second / 30)), await CountsAsync());
        }
    }

    [Fact]
    public async Task StatusChange_AppendsACheckChangedEvent_AndAnUnchangedStatusDoesNot()
    {
        var scheduler = Scheduler($$"""
              port: { tcp: "127.0.0.1:{{OpenPort}}", interval: 10s }
            """);

        await PassAsync(scheduler);
        _time.Advance(TimeSpan.FromSeconds(10));
        await PassAsync(scheduler);
        _listener.Stop();
        _time.Advance(TimeSpan.FromSeconds(10));
        await PassAsync(scheduler);

        var events = await CheckEventsAsync();
        Assert.Equal(2, events.Count);
        Assert.Equal(("healthy", "unknown"), (events[0].GetProperty("status").GetString(), events[0].GetProperty("previous").GetString()));
        var change = events[1];
        Assert.Equal("port", change.GetProperty("name").GetString());
        Assert.Equal("tcp", change.GetProperty("kind").GetString());
        Assert.Equal("down", change.GetProperty("status").GetString());
        Assert.Equal("healthy", change.GetProperty("previous").GetString());
        Assert.False(string.IsNullOrEmpty(change.GetProperty("message").GetString()));
        Assert.True(change.TryGetProperty("latency_ms", out _));
        // The API's timestamp format: UTC with a Z, fractional seconds only when there are any.
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$", change.GetProperty("checked_at").GetString());
        Assert.Equal(3, (await _store.ListCheckResultsAsync("port", null, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task OnlyTheLeaseHolderProbes_TheOtherServesFromTheStore()
    {
        const string Yaml = """
              echo: { command: "echo ok", interval: 10s }
            """;
        var first = Scheduler(Yaml, "node-a");
        var second = Scheduler(Yaml, "node-b");

        await PassAsync(first);
        _time.Advance(TimeSpan.FromSeconds(10));
        await PassAsync(second);
        Assert.Single(await _store.ListCheckResultsAsync("echo", null, 10, CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(20)); // node-a is gone: its 15 s lease lapses
        await PassAsync(second);
        Assert.Equal(2, (await _store.ListCheckResultsAsync("echo", null, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AResultRecordedElsewhere_PostponesTheNextProbe()
    {
        var scheduler = Scheduler("""
              echo: { command: "echo ok", interval: 60s }
            """);
        await _store.RecordCheckResultAsync(
            new CheckResult { Name = "echo", Kind = "command", Status = CheckStatus.Healthy, Message = "from syncplane check", CheckedAt = _time.GetUtcNow() },
            CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(30));
        await PassAsync(scheduler);

        var only = Assert.Single(await _store.ListCheckResultsAsync("echo", null, 10, CancellationToken.None));
        Assert.Equal("from syncplane check", only.Message);
    }

    [Fact]
    public async Task AfterProbes_TheStatusFileCoversEveryDeclaredCheck_WithResultsRecordedElsewhere()
    {
        var statusFile = _directory.Combine("readiness", "status.json");
        var scheduler = Scheduler($$"""
              port: { tcp: "127.0.0.1:{{OpenPort}}", interval: 10s }
              repo: { command: "true", interval: 1h }
            """, statusFile: statusFile);
        await PassAsync(scheduler);
        _time.Advance(TimeSpan.FromSeconds(5));
        await _store.RecordCheckResultAsync(
            new CheckResult { Name = "repo", Kind = "command", Status = CheckStatus.Down, Message = "from syncplane check", CheckedAt = _time.GetUtcNow() },
            CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(5));
        await PassAsync(scheduler); // probes 'port' again
        await PassAsync(scheduler); // sees it finished and writes the file

        using var file = JsonDocument.Parse(File.ReadAllText(statusFile));
        Assert.Equal("down", file.RootElement.GetProperty("overall").GetString());
        Assert.Equal("from syncplane check", file.RootElement.GetProperty("checks").GetProperty("repo").GetProperty("Message").GetString());
        Assert.Equal("healthy", file.RootElement.GetProperty("checks").GetProperty("port").GetProperty("Status").GetString());
        Assert.Equal("Reachable", file.RootElement.GetProperty("status").GetProperty("port").GetProperty("Status").GetString());
    }

    [Fact]
    public void Interval_BelowOneSecondOrNotADuration_IsAConfigErrorWithItsPosition()
    {
        var error = Assert.Throws<ConfigException>(() => CheckTestBed.Bind("  a: { tcp: \"127.0.0.1:1\", interval: 500ms }\n  b: { tcp: \"127.0.0.1:1\", interval: often }\n"));

        Assert.Contains("syncplane.yaml:5:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'interval' must be at least 1s, found 500ms", error.Message, StringComparison.Ordinal);
        Assert.Contains("syncplane.yaml:6:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'interval' must be a duration", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(60), Assert.Single(CheckTestBed.Bind("  c: { tcp: \"127.0.0.1:1\" }\n").Items).Interval);
    }

    [Fact]
    public async Task ASlowCheck_DoesNotHoldBackTheOthers()
    {
        var scheduler = Scheduler($$"""
              slow: { command: "sleep 30", timeout: 60s, interval: 10s }
              fast: { tcp: "127.0.0.1:{{OpenPort}}", interval: 10s }
            """);
        using var stop = new CancellationTokenSource();

        await scheduler.PassAsync(stop.Token);
        await WaitForResultsAsync("fast", 1);
        _time.Advance(TimeSpan.FromSeconds(10));

        // The first fast probe may still be finishing (recorded, its task not yet done): a pass skips it until it is.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await _store.ListCheckResultsAsync("fast", null, 100, deadline.Token)).Count < 2)
        {
            await scheduler.PassAsync(stop.Token);
            await Task.Delay(20, deadline.Token);
        }

        Assert.Empty(await _store.ListCheckResultsAsync("slow", null, 10, CancellationToken.None));
        await stop.CancelAsync();
        await scheduler.WhenProbesDoneAsync();
        Assert.Empty(await _store.ListCheckResultsAsync("slow", null, 10, CancellationToken.None));
    }

    private static async Task<TimeSpan> PassAsync(CheckScheduler scheduler)
    {
        var sleep = await scheduler.PassAsync(CancellationToken.None);
        await scheduler.WhenProbesDoneAsync();
        return sleep;
    }

    private async Task WaitForResultsAsync(string name, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await _store.ListCheckResultsAsync(name, null, 100, deadline.Token)).Count < count)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private CheckScheduler Scheduler(string checksYaml, string holder = "node-a", string? statusFile = null)
    {
        var checks = CheckTestBed.Bind(checksYaml, _directory.Path);
        var runner = new CheckRunner(_time, new SecretResolver(_directory.Path));
        return new CheckScheduler(checks, _store, runner, _time, new CheckSchedulerOptions { Holder = holder, StatusFile = statusFile }, null);
    }

    private async Task<(int Fast, int Slow)> CountsAsync() =>
        ((await _store.ListCheckResultsAsync("fast", null, 100, CancellationToken.None)).Count,
         (await _store.ListCheckResultsAsync("slow", null, 100, CancellationToken.None)).Count);

    private async Task<List<JsonElement>> CheckEventsAsync() =>
        [.. (await _store.ReadEventsAsync(0, 1000, CancellationToken.None))
            .Where(e => e.Type == EventTypes.CheckChanged)
            .Select(e => JsonDocument.Parse(e.Data).RootElement)];
}
