using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>--log-format json</c>: every log line a real syncplane writes is one JSON object, secrets masked as in text.</summary>
public sealed class JsonLogFormatTests : IDisposable
{
    private const string Secret = "json-log-secret-5e81c2";
    private static readonly Dictionary<string, string> Environment = new() { ["SYNCPLANE_TEST_SECRET"] = Secret };
    private readonly TempDirectory _dir = new();
    private readonly SecretProbe _probe = new(Secret);

    public JsonLogFormatTests()
    {
        _dir.Write("syncplane.yaml", """
            targets:
              deploy:
                entrypoint: "echo \"token is $DEPLOY_TOKEN\"; echo \"failing with $DEPLOY_TOKEN\" >&2; exit 1"
                env: { DEPLOY_TOKEN: "${env:SYNCPLANE_TEST_SECRET}" }
                retry: { attempts: 1 }
              docs:
                source: { directory: { path: in } }
                destination: { directory: { path: out } }
            """);
        _dir.Write("in/a.txt", "a");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_WritesOneJsonObjectPerLine_WithTargetRunIdAndLevel_MaskedAsInText()
    {
        var json = await SyncplaneCli.RunAsync(_dir.Path, Environment, "run", "--ci", "--verbose", "--log-format", "json");
        var text = await SyncplaneCli.RunAsync(_dir.Path, Environment, "run", "--ci", "--verbose");

        Assert.Equal(1, json.ExitCode);
        Assert.Contains("  [deploy] info: token is ***", text.Stdout, StringComparison.Ordinal);
        var lines = Parse(json.Stdout);
        Assert.All(lines, l => Assert.True(l.TryGetProperty("timestamp", out _) && l.TryGetProperty("level", out _) && l.TryGetProperty("message", out _), l.GetRawText()));
        Assert.Contains(lines, l => Text(l, "message") == "token is ***" && Text(l, "target") == "deploy" && Text(l, "level") == "info");
        var failed = Assert.Single(lines, l => Text(l, "target") == "deploy" && Text(l, "status") == "failed");
        Assert.Equal("error", Text(failed, "level"));
        Assert.True(failed.GetProperty("run_id").GetInt64() > 0);
        var synced = Assert.Single(lines, l => Text(l, "target") == "docs" && Text(l, "status") == "succeeded");
        Assert.Equal(1, synced.GetProperty("created").GetInt32());
        Assert.Equal("1/2 target(s) succeeded", Text(lines[^1], "message")![..23]);
        Assert.DoesNotContain("[deploy]", json.Stdout, StringComparison.Ordinal);
        _probe.AssertAbsent("run's text output", text.All);
        _probe.AssertAbsent("run's JSON logs", json.All);
    }

    [Fact]
    public async Task Worker_LogsRunEventsAsJson_WithRunIdAndTarget()
    {
        var queued = await SyncplaneCli.RunAsync(_dir.Path, Environment, "trigger", "deploy", "--json");
        var runId = JsonDocument.Parse(queued.Stdout).RootElement.GetProperty("run_id").GetInt64();

        var worker = await SyncplaneCli.RunAsync(_dir.Path, Environment, "worker", "--exit-when-idle", "--log-format", "json");

        Assert.True(worker.ExitCode == 0, worker.All);
        var lines = Parse(worker.Stdout);
        Assert.Contains(lines, l => Text(l, "source") == "worker" && Text(l, "message")!.StartsWith("worker: ", StringComparison.Ordinal) && Text(l, "message")!.Contains("started with concurrency 1", StringComparison.Ordinal));
        var finished = Assert.Single(lines, l => Text(l, "event") == "finished");
        Assert.Equal(runId, finished.GetProperty("run_id").GetInt64());
        Assert.Equal("deploy", Text(finished, "target"));
        Assert.Equal("failed", Text(finished, "status"));
        Assert.Equal("error", Text(finished, "level"));
        Assert.Equal("worker: stopped", Text(lines[^1], "message"));
        _probe.AssertAbsent("the worker's JSON logs", worker.All);
    }

    [Fact]
    public async Task ErrorsAreJsonOnStandardError_AndCommandResultsStayData()
    {
        var error = await SyncplaneCli.RunAsync(_dir.Path, Environment, "run", "--target", "nothing-*", "--log-format", "json");
        var report = await SyncplaneCli.RunAsync(_dir.Path, Environment, "run", "--target", "docs", "--json", "--log-format", "json");
        var badFormat = await SyncplaneCli.RunAsync(_dir.Path, "run", "--log-format", "xml");

        Assert.Equal(2, error.ExitCode);
        var line = Assert.Single(Parse(error.Stderr));
        Assert.Equal("error", Text(line, "level"));
        Assert.StartsWith("no target matches --target 'nothing-*'", Text(line, "message"), StringComparison.Ordinal);
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(1, JsonDocument.Parse(report.Stdout).RootElement.GetProperty("total_targets").GetInt32());
        Assert.Equal(2, badFormat.ExitCode);
        Assert.Contains("'xml' not recognized", badFormat.Stderr, StringComparison.Ordinal);
    }

    private static List<JsonElement> Parse(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    private static string? Text(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
