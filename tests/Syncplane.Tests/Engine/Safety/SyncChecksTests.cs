using Syncplane.Config;
using Syncplane.Engine.Process;
using Syncplane.Engine.Safety;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Safety;

public sealed class SyncChecksTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestRunLog _log = new();
    private readonly SyncChecks _checks = new(new ProcessRunner(TimeProvider.System));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_AllChecksMatchExpectedExitCodes_Passes()
    {
        CheckCommand[] checks = [new("ok", "true"), new("no matches", "grep -q nothing /dev/null", ExpectedExitCode: 1)];

        var result = await Run(checks, SyncDirection.Pull);

        Assert.True(result.Passed, result.Message);
        Assert.Contains("2 of 2", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CheckFails_NamesCheckExitCodesAndLastOutput()
    {
        CheckCommand[] checks = [new("first", "true"), new("Git clean", "echo 'M dirty.txt'; exit 1"), new("never", "touch never-ran")];

        var result = await Run(checks, SyncDirection.Pull);

        Assert.False(result.Passed);
        Assert.Equal("pre-sync check 'Git clean'", result.Gate);
        Assert.Contains("exited with 1, expected 0", result.Message, StringComparison.Ordinal);
        Assert.Contains("M dirty.txt", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["never-ran"]));
    }

    [Theory]
    [InlineData(SyncDirection.Pull, true, false)]
    [InlineData(SyncDirection.Push, false, true)]
    [InlineData(SyncDirection.Bidirectional, true, true)]
    public async Task RunAsync_SkipFlags_HonourTheRunsDirection(SyncDirection direction, bool pullOnlyRuns, bool pushOnlyRuns)
    {
        CheckCommand[] checks =
        [
            new("pull-only", "touch pull-only", SkipOnPush: true),
            new("push-only", "touch push-only", SkipOnPull: true),
        ];

        var result = await Run(checks, direction);

        Assert.True(result.Passed, result.Message);
        Assert.Equal(pullOnlyRuns, File.Exists(_dir["pull-only"]));
        Assert.Equal(pushOnlyRuns, File.Exists(_dir["push-only"]));
    }

    [Fact]
    public async Task RunAsync_CheckRunsInBaseDirectory()
    {
        _dir.Write("marker.txt", "x");

        var result = await Run([new CheckCommand("marker", "test -f marker.txt")], SyncDirection.Pull);

        Assert.True(result.Passed, result.Message);
    }

    [Fact]
    public async Task RunAsync_CheckTimesOut_FailsSayingSo()
    {
        var result = await new SyncChecks(new ProcessRunner(TimeProvider.System))
            .RunAsync([new CheckCommand("slow", "sleep 30")], "post-sync", SyncDirection.Pull, _dir.Path, TimeSpan.FromMilliseconds(300), _log, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("post-sync check 'slow'", result.Gate);
        Assert.Contains("timed out", result.Message, StringComparison.Ordinal);
    }

    private Task<GateResult> Run(IReadOnlyList<CheckCommand> checks, SyncDirection direction) =>
        _checks.RunAsync(checks, "pre-sync", direction, _dir.Path, TimeSpan.FromSeconds(30), _log, CancellationToken.None);
}
