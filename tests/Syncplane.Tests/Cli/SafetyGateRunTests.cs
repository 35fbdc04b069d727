using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// The safety gates where users meet them: a real <c>syncplane run</c> process over real directories and its SQLite
/// store. Each test fails if its gate is skipped, ignored or off by one.
/// </summary>
public sealed class SafetyGateRunTests : IDisposable
{
    private const int Files = 10;
    private readonly TempDirectory _dir = new();

    public SafetyGateRunTests()
    {
        for (var i = 0; i < Files; i++)
        {
            _dir.Write($"src/f{i}.txt", $"file {i}");
        }
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A limit, and how many deletes it allows: exactly that many pass, one more is refused.</summary>
    public static TheoryData<string, int> Limits => new()
    {
        { "3", 3 },
        { "30%", 3 }, // 3 of 10 destination items
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task MaxDelete_DeletingExactlyTheLimit_Succeeds(string limit, int allowed)
    {
        await SyncedMirrorAsync(limit);
        DeleteFromSource(allowed);

        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(Files - allowed, Directory.GetFiles(_dir.Combine("dst")).Length);
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task MaxDelete_OneMoreThanTheLimit_IsRefusedWithExitThree_AndNothingIsWritten(string limit, int allowed)
    {
        await SyncedMirrorAsync(limit);
        DeleteFromSource(allowed + 1);
        _dir.Write("src/new.txt", "new");

        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(run.ExitCode == 3, run.All);
        Assert.Contains("max_delete", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(Files, Directory.GetFiles(_dir.Combine("dst")).Length);
        Assert.False(File.Exists(_dir.Combine("dst/new.txt")));
        Assert.Equal("refused", await LastRunStatusAsync());
    }

    [Fact]
    public async Task DriftGate_BelowItsMinimum_RefusesTheRunBeforeAnyWrite_AndAtItsMinimumLetsItRun()
    {
        WriteConfig("", $$"""
            safety:
              drift_gates:
                - { name: "source file count", command: "ls src | wc -l", min_value: {{Files + 1}} }
            """);
        var first = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci"); // no successful run yet: the gate is skipped once
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("first sync: drift gate 'source file count' skipped", first.Stdout, StringComparison.Ordinal);
        _dir.Write("src/f0.txt", "changed");

        var refused = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(refused.ExitCode == 3, refused.All);
        Assert.Contains("source file count", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains($"below the minimum {Files + 1}", refused.Stdout, StringComparison.Ordinal);
        Assert.Equal("file 0", File.ReadAllText(_dir.Combine("dst", "f0.txt")));
        Assert.Equal("refused", await LastRunStatusAsync());

        _dir.Write("src/f10.txt", "file 10");
        var passed = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(passed.ExitCode == 0, passed.All);
        Assert.Equal(Files + 1, Directory.GetFiles(_dir.Combine("dst")).Length);
    }

    [Fact]
    public async Task FailedPostSyncCheck_FailsTheRun_WithExitOne_AfterTheWrite()
    {
        WriteConfig("", """
            safety:
              post_sync_checks:
                - { name: "mirror complete", command: "test -f dst/COMPLETE" }
            """);

        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Contains("post-sync check 'mirror complete' failed", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(Files, Directory.GetFiles(_dir.Combine("dst")).Length); // it checks what was written
        Assert.Equal("failed", await LastRunStatusAsync());
    }

    [Fact]
    public async Task FailOnDiff_ADifferingDestination_FailsTheRunAndWritesNothing_AnIdenticalOneSucceeds()
    {
        WriteConfig("", "defaults: { fail_on_diff: true }");

        var differs = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(differs.ExitCode == 1, differs.All);
        Assert.Contains("fail_on_diff", differs.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("dst")) && Directory.EnumerateFileSystemEntries(_dir.Combine("dst")).Any());
        Assert.Equal("failed", await LastRunStatusAsync());

        WriteConfig("", "");
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci")).ExitCode);
        WriteConfig("", "defaults: { fail_on_diff: true }");
        var same = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        Assert.True(same.ExitCode == 0, same.All);
    }

    private async Task SyncedMirrorAsync(string limit)
    {
        WriteConfig($"    safety: {{ max_delete: {limit} }}\n", "");
        var first = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Equal(Files, Directory.GetFiles(_dir.Combine("dst")).Length);
    }

    private void WriteConfig(string targetExtra, string global) => _dir.Write("syncplane.yaml", $$"""
        targets:
          mirror:
            source: { directory: { path: src } }
            destination: { directory: { path: dst } }
        {{targetExtra}}
        {{global}}
        """);

    private void DeleteFromSource(int count)
    {
        for (var i = 0; i < count; i++)
        {
            File.Delete(_dir.Combine($"src/f{i}.txt"));
        }
    }

    private async Task<string?> LastRunStatusAsync()
    {
        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--json");
        return JsonDocument.Parse(history.Stdout).RootElement[0].GetProperty("status").GetString();
    }
}
