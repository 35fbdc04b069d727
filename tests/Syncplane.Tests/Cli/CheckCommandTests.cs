using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Syncplane.Checks;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A loopback port with nothing listening.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string Config(string checks, string targets = "  t: { entrypoint: \"true\" }\n") =>
        _dir.Write("syncplane.yaml", "version: 1\ntargets:\n" + targets + "checks:\n" + checks);

    [Fact]
    public async Task Quickstart_OnAFreshClone_IsHealthyWithASectionedReport()
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repo.FullName, "quickstart", "syncplane.yaml")))
        {
            repo = repo.Parent!;
        }

        var result = await SyncplaneCli.RunAsync(_dir.Path, "check", "--config", Path.Combine(repo.FullName, "quickstart", "syncplane.yaml"),
            "--store", _dir["store.db"], "--status-file", _dir["status.json"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("[1/3: Network]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[ OK ] git-cli: 'git --version' succeeded: git version", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Overall: HEALTHY (3 healthy, 0 degraded, 0 down, 0 unknown)", result.Stdout, StringComparison.Ordinal);
        Assert.True(result.Stdout.All(c => c is '\n' or '\r' || c < 127), "the report is plain ASCII");
        using var status = JsonDocument.Parse(File.ReadAllText(_dir["status.json"]));
        Assert.Equal("healthy", status.RootElement.GetProperty("overall").GetString());
    }

    [Fact]
    public async Task ADownCheck_ExitsOne_WritesTheStatusFile_PrintsJson_AndRecordsHistory()
    {
        var port = ClosedPort();
        Config($"  db: {{ tcp: \"127.0.0.1:{port}\" }}\n  shell: {{ command: \"true\", section: Tools }}\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "check", "--json");

        Assert.True(result.ExitCode == 1, result.All);
        using var printed = JsonDocument.Parse(result.Stdout);
        var root = printed.RootElement;
        Assert.Equal("down", root.GetProperty("overall").GetString());
        Assert.Equal("down", root.GetProperty("checks").GetProperty("db").GetProperty("Status").GetString());
        Assert.Equal("Tools", root.GetProperty("checks").GetProperty("shell").GetProperty("Section").GetString());
        Assert.Equal("Unreachable", root.GetProperty("status").GetProperty("db").GetProperty("Status").GetString());
        Assert.Equal("Success", root.GetProperty("status").GetProperty("Tools").GetProperty("Status").GetString());
        Assert.Equal(["db", "shell"], root.GetProperty("heartbeats").EnumerateArray().Select(h => h.GetProperty("service").GetString()));
        Assert.True(root.TryGetProperty("timestamp", out _));
        using var file = JsonDocument.Parse(File.ReadAllText(_dir.Combine(".syncplane", "status.json")));
        Assert.Equal(root.GetProperty("timestamp").GetString(), file.RootElement.GetProperty("timestamp").GetString());

        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        var latest = await store.ListLatestCheckResultsAsync(CancellationToken.None);
        Assert.Equal([("db", CheckStatus.Down), ("shell", CheckStatus.Healthy)], latest.Select(r => (r.Name, r.Status)));
    }

    [Fact]
    public async Task NamedChecks_RunOnlyThose_AndAnUnknownNameExitsTwo()
    {
        Config($"  db: {{ tcp: \"127.0.0.1:{ClosedPort()}\" }}\n  shell: {{ command: \"true\" }}\n");

        var only = await SyncplaneCli.RunAsync(_dir.Path, "check", "shell");
        var unknown = await SyncplaneCli.RunAsync(_dir.Path, "check", "shell", "nope");

        Assert.True(only.ExitCode == 0, only.All);
        Assert.DoesNotContain("db:", only.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no check named 'nope'; known checks: db, shell", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequiresAnUndeclaredCheck_IsAConfigErrorAtItsPosition()
    {
        var path = Config("  shell: { command: \"true\" }\n", "  t:\n    entrypoint: \"true\"\n    requires: [shell, repo]\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{path}:5:23: target 't' requires 'repo', which is not a check", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compose_WithADockerStandInOnPath_ReportsTheMissingService()
    {
        _dir.Write("docker-compose.yml", "services:\n  web: { image: nginx }\n  worker: { image: app }\n");
        var bin = Directory.CreateDirectory(_dir["bin"]).FullName;
        var docker = _dir.Write("bin/docker", "#!/bin/sh\necho '{\"Name\":\"app-web-1\",\"Service\":\"web\",\"State\":\"running\"}'\n");
        File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Config("  containers: { compose: docker-compose.yml }\n");
        var path = new Dictionary<string, string> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") };

        var result = await SyncplaneCli.RunAsync(_dir.Path, path, "check");

        Assert.True(result.ExitCode == 1, result.All);
        Assert.Contains("[WARN] containers: 1 of 2 service(s) not running: worker", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("containers:  degraded  (OutOfSync)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TargetWhoseRequiredCheckIsDown_IsSkippedAndExitsThree()
    {
        Config($"  db: {{ tcp: \"127.0.0.1:{ClosedPort()}\" }}\n", "  t:\n    entrypoint: \"touch ran\"\n    requires: [db]\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "run");

        Assert.True(result.ExitCode == 3, result.All);
        Assert.Contains("skipped: required check 'db' is down: cannot connect to 127.0.0.1:", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["ran"]));
    }

    [Fact]
    public async Task UnknownOnly_ExitsZero_AndStatusFileFollowsChecksStatusFile()
    {
        Config("  status_file: readiness/infinity-sync-status.json\n  stack: { compose: docker-compose.yml }\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "check");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("[ ?? ] stack: no compose file at", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Overall: UNKNOWN", result.Stdout, StringComparison.Ordinal);
        using var status = JsonDocument.Parse(File.ReadAllText(_dir.Combine("readiness", "infinity-sync-status.json")));
        Assert.Equal("NoManifest", status.RootElement.GetProperty("checks").GetProperty("stack").GetProperty("State").GetString());
        Assert.False(File.Exists(_dir.Combine(".syncplane", "status.json")));
    }

    [Fact]
    public async Task CheckName_AfterAFullCheckWithOneDown_KeepsTheOtherChecksInTheStatusFile_AndOverallStaysDown()
    {
        Config($"  db: {{ tcp: \"127.0.0.1:{ClosedPort()}\", section: Databases }}\n  shell: {{ command: \"true\", section: Tools }}\n");
        var full = await SyncplaneCli.RunAsync(_dir.Path, "check");

        var one = await SyncplaneCli.RunAsync(_dir.Path, "check", "shell");

        Assert.True(full.ExitCode == 1, full.All);
        Assert.True(one.ExitCode == 0, one.All);
        Assert.Contains("Overall in the status file, with the last results of the 1 check(s) not run now: DOWN", one.Stdout, StringComparison.Ordinal);
        using var file = JsonDocument.Parse(File.ReadAllText(_dir.Combine(".syncplane", "status.json")));
        var root = file.RootElement;
        Assert.Equal("down", root.GetProperty("overall").GetString());
        Assert.Equal((1, 1), (root.GetProperty("counts").GetProperty("down").GetInt32(), root.GetProperty("counts").GetProperty("healthy").GetInt32()));
        Assert.Equal("Databases", root.GetProperty("checks").GetProperty("db").GetProperty("Section").GetString());
        Assert.Equal("down", root.GetProperty("checks").GetProperty("db").GetProperty("Status").GetString());
        Assert.Equal(["db", "shell"], root.GetProperty("heartbeats").EnumerateArray().Select(h => h.GetProperty("service").GetString()));
    }

    [Fact]
    public async Task ACheckRemovedFromTheConfig_DropsOutOfTheStatusFile()
    {
        Config($"  db: {{ tcp: \"127.0.0.1:{ClosedPort()}\" }}\n  shell: {{ command: \"true\" }}\n");
        await SyncplaneCli.RunAsync(_dir.Path, "check");
        Config("  shell: { command: \"true\" }\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "check", "--json");

        Assert.True(result.ExitCode == 0, result.All);
        using var file = JsonDocument.Parse(File.ReadAllText(_dir.Combine(".syncplane", "status.json")));
        Assert.Equal("healthy", file.RootElement.GetProperty("overall").GetString());
        Assert.Equal(["shell"], file.RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task ConcurrentCheckNameProcesses_LeaveEveryCheckInTheStatusFile()
    {
        string[] names = ["a", "b", "c", "d"];
        Config(string.Concat(names.Select(n => $"  {n}: {{ command: \"echo {n}\" }}\n")));
        await SyncplaneCli.RunAsync(_dir.Path, "check", "a"); // creates the store, so the processes below only write

        var results = await Task.WhenAll(names.Select(n => SyncplaneCli.RunAsync(_dir.Path, "check", n)));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.All));
        using var file = JsonDocument.Parse(File.ReadAllText(_dir.Combine(".syncplane", "status.json")));
        Assert.Equal(names, file.RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name));
        Assert.Empty(Directory.GetFiles(_dir.Combine(".syncplane"), "*.tmp"));
    }
}
