using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>The seed 004 workflow, as a user runs it: --list, --dry-run, --target, --direction, --verify, --ci, --report.</summary>
public class SeedWorkflowTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SeedWorkflowTests()
    {
        _dir.Write("syncplane.yaml", """
            version: "1.0"
            defaults:
              direction: pull
            targets:
              oca_repos:
                entrypoint: "scripts/sync-oca.sh"
                schedule: "0 2 * * *"
                outputs: ["addons/oca/**"]
                verification:
                  command: "find addons/oca -name '__manifest__.py' | wc -l"
                  expected_min: 3
              oca_extra:
                entrypoint: "scripts/sync-oca.sh"
                schedule: "0 3 * * *"
                outputs: ["addons/oca/**"]
              notion_docs:
                direction: push
                entrypoint: "scripts/push.sh"
                inputs: ["docs/**"]
            """);
        var script = _dir.Write("scripts/sync-oca.sh", """
            #!/bin/sh
            set -e
            for m in sale account stock; do
              mkdir -p addons/oca/$m
              echo "{'name': '$m'}" > addons/oca/$m/__manifest__.py
            done
            echo "synced 3 modules"
            """);
        var push = _dir.Write("scripts/push.sh", "#!/bin/sh\necho pushed > pushed.txt\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(push, (UnixFileMode)0b111_101_101);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task List_ShowsEveryTargetWithDirectionAndSchedule()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "--list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("oca_repos", result.Stdout);
        Assert.Contains("0 2 * * *", result.Stdout);
        Assert.Contains("push", result.Stdout);
    }

    [Fact]
    public async Task DryRun_WritesNothing()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "--dry-run", "--ci");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("would run scripts/sync-oca.sh", result.Stdout);
        Assert.False(Directory.Exists(_dir.Combine("addons")));
        Assert.False(File.Exists(_dir.Combine("pushed.txt")));
    }

    [Fact]
    public async Task TargetGlobAndVerify_RunsOnlyMatchingTargets_AndWritesSeedReport()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "--target", "oca_*", "--direction", "pull", "--verify", "--ci", "--report", "out/report.json");

        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(_dir.Combine("pushed.txt")));
        using var report = JsonDocument.Parse(File.ReadAllText(_dir.Combine("out/report.json")));
        var root = report.RootElement;
        Assert.Equal(2, root.GetProperty("total_targets").GetInt32());
        Assert.Equal(2, root.GetProperty("successful").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        Assert.True(root.GetProperty("total_duration").GetDouble() > 0);
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("timestamp").GetString(), out _));
        var oca = root.GetProperty("results")[0];
        Assert.Equal("oca_repos", oca.GetProperty("target").GetString());
        Assert.Equal("pull", oca.GetProperty("direction").GetString());
        Assert.True(oca.GetProperty("success").GetBoolean());
        Assert.True(oca.GetProperty("verification_passed").GetBoolean());
        Assert.Equal(
            ["addons/oca/account/__manifest__.py", "addons/oca/sale/__manifest__.py", "addons/oca/stock/__manifest__.py"],
            oca.GetProperty("outputs_created").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        var extra = root.GetProperty("results")[1];
        Assert.Equal(JsonValueKind.Null, extra.GetProperty("verification_passed").ValueKind);
        Assert.Empty(extra.GetProperty("outputs_created").EnumerateArray()); // the first target already wrote them
    }

    [Fact]
    public async Task FailedVerification_ExitsOneAndSaysWhy()
    {
        File.WriteAllText(_dir.Combine("syncplane.yaml"), File.ReadAllText(_dir.Combine("syncplane.yaml")).Replace("expected_min: 3", "expected_min: 100"));

        var result = await SyncplaneCli.RunAsync(_dir.Path, "--target", "oca_repos", "--verify", "--ci");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAILED", result.Stdout);
        Assert.Contains("100", result.Stdout);
    }

    [Fact]
    public async Task NoMatchingTarget_ExitsTwo()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--target", "nothing_*");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no target matches", result.Stderr);
    }

    [Fact]
    public async Task EveryRun_IsRecordedInTheStore()
    {
        await SyncplaneCli.RunAsync(_dir.Path, "run", "--target", "oca_repos", "--ci");
        await SyncplaneCli.RunAsync(_dir.Path, "run", "--target", "oca_repos", "--ci");

        await using var store = new Syncplane.Storage.Sqlite.SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
        var runs = await store.ListRunsAsync(new Syncplane.Storage.RunQuery(Target: "oca_repos"), CancellationToken.None);
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(Syncplane.Storage.RunStatus.Succeeded, r.Status));
        var log = await store.GetLogAsync(runs[0].Id, CancellationToken.None);
        Assert.Contains(log, l => l.Message.Contains("synced 3 modules", StringComparison.Ordinal));
    }
}
