using System.Diagnostics;
using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>syncplane run</c> against a real HTTP upstream on 127.0.0.1 that rate limits it, and against our own spent <c>rate_limit</c>.</summary>
public sealed class RateLimitedRunTests : IAsyncLifetime
{
    private const string Page = """{"data":[{"id":1}],"paging":{"next":"/items?page=2"}}""";
    private const string LastPage = """{"data":[{"id":2}],"paging":{"next":null}}""";
    private readonly TempDirectory _dir = new();
    private int _requests;
    private Func<int, string, LoopbackHttpServer.Reply> _answer = (_, _) => Json(LastPage);
    private LoopbackHttpServer _api = null!;

    public Task InitializeAsync()
    {
        _api = new LoopbackHttpServer(path => _answer(Interlocked.Increment(ref _requests), path));
        _dir.Write("syncplane.yaml", $$"""
            targets:
              api:
                source: { http: { url: "{{_api.Url}}items", records: data, key: [id], next: paging.next } }
                destination: { directory: { path: out } }
              paced:
                source: { http: { url: "{{_api.Url}}items", records: data, key: [id], next: paging.next } }
                destination: { directory: { path: paced } }
                rate_limit: 1/10s
            """);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Run_Upstream429OnceWithRetryAfter_WaitsAsItSaysPrintsTheWaitAndSucceeds()
    {
        _answer = (n, _) => n == 1 ? TooMany() : Json(LastPage);

        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--target", "api", "--ci");
        var status = Target(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"), "api");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"[api] rate limited by {_api.Url.TrimEnd('/')} (429); waiting 1s (Retry-After)…", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("ok        api", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, _requests);
        Assert.True(File.Exists(_dir.Combine("out", "2.json")));
        Assert.Equal(("idle", 0), (status.GetProperty("status").GetString(), status.GetProperty("consecutive_failures").GetInt32()));
        Assert.Equal(JsonValueKind.Null, status.GetProperty("last_error").ValueKind); // a wait is not an error
    }

    [Fact]
    public async Task Run_UpstreamAlways429_WaitsUpToMaxWaitThenFailsClearlyWithExitFour()
    {
        _answer = (_, _) => TooMany();

        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--target", "api", "--ci", "--max-wait", "2s");
        var status = Target(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"), "api");

        Assert.Equal(5, run.ExitCode);
        var waits = run.Stdout.Split('\n').Count(l => l.Contains("rate limited by", StringComparison.Ordinal) && l.EndsWith("waiting 1s (Retry-After)…", StringComparison.Ordinal));
        Assert.Equal(2, waits);
        Assert.Equal(3, _requests); // the first try and one after each wait
        Assert.Contains("FAILED    api", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("; still rate limited after waiting 2s: gave up, as syncplane run waits at most 2s (--max-wait)", run.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("out")) && Directory.EnumerateFiles(_dir.Combine("out")).Any());
        Assert.Equal(("error", 1), (status.GetProperty("status").GetString(), status.GetProperty("consecutive_failures").GetInt32()));
        Assert.Contains("gave up", status.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, status.GetProperty("last_error_at").ValueKind);
    }

    [Fact]
    public async Task Run_MaxWaitNotADuration_ExitsTwoAndRunsNothing()
    {
        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--target", "api", "--max-wait", "soon");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--max-wait 'soon' is not a duration", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, _requests);
    }

    [Fact]
    public async Task Run_OwnRateLimitSpent_SaysItWaitsForOurLimit_AndStatusShowsWaitingMeanwhile()
    {
        _answer = (_, path) => Json(path.Contains("page=2", StringComparison.Ordinal) ? LastPage : Page);

        using var process = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "run", "--target", "paced", "--ci"))!;
        var stdout = new List<string>();
        string? waitLine = null;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (waitLine is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                stdout.Add(line);
                waitLine = line.Contains("waiting for rate limit", StringComparison.Ordinal) ? line : null;
            }
        }

        var status = Target(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"), "paced");
        var rest = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.NotNull(waitLine);
        Assert.StartsWith("  [paced] waiting for rate limit of target 'paced' (1/10s): next token in ", waitLine, StringComparison.Ordinal);
        Assert.Equal("waiting", status.GetProperty("status").GetString());
        Assert.StartsWith("waiting for rate limit of target 'paced' (1/10s)", status.GetProperty("waiting_reason").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, status.GetProperty("waiting_until").ValueKind);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("ok        paced", rest, StringComparison.Ordinal);
        Assert.Equal(2, _requests);
    }

    private static LoopbackHttpServer.Reply Json(string body) => new(200, body, ContentType: "application/json");

    private static LoopbackHttpServer.Reply TooMany() =>
        new(429, "slow down") { Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } };

    private static JsonElement Target(SyncplaneCli.Result status, string name) =>
        JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray().Single(t => t.GetProperty("target").GetString() == name);
}
