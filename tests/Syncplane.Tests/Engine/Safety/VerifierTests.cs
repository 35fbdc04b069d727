using Syncplane.Config;
using Syncplane.Engine.Process;
using Syncplane.Engine.Safety;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Safety;

public sealed class VerifierTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestRunLog _log = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task VerifyAsync_CountAtLeastExpectedMin_PassesWithNumbers()
    {
        var result = await Verify(new VerificationConfig("echo '   123'", 100, null));

        Assert.True(result.Passed);
        Assert.Equal("verification passed: 123 ≥ 100", result.Message);
    }

    [Fact]
    public async Task VerifyAsync_CountBelowExpectedMin_Fails()
    {
        var result = await Verify(new VerificationConfig("echo 99", 100, null));

        Assert.False(result.Passed);
        Assert.Equal("verification failed: 99 < 100 (expected at least 100)", result.Message);
    }

    [Fact]
    public async Task VerifyAsync_OnlyExpectedMin_IgnoresExitCodeOfPipeline()
    {
        _dir.Write("a/__manifest__.py", "");

        var result = await Verify(new VerificationConfig("find a missing-dir -name '__manifest__.py' | wc -l; exit 1", 1, null));

        Assert.True(result.Passed, result.Message);
    }

    [Fact]
    public async Task VerifyAsync_NeitherSet_RequiresExitCodeZero()
    {
        var passed = await Verify(new VerificationConfig("test -d .", null, null));
        var failed = await Verify(new VerificationConfig("test -f docs/runtime/apps_truth.json", null, null));

        Assert.True(passed.Passed);
        Assert.Equal("verification passed: exit code 0", passed.Message);
        Assert.False(failed.Passed);
        Assert.StartsWith("verification failed: exit code 1, expected 0", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_ExpectedExitCodeAndMin_BothMustHold()
    {
        var wrongExit = await Verify(new VerificationConfig("echo 500; exit 2", 100, 0));
        var bothHold = await Verify(new VerificationConfig("echo 500", 100, 0));

        Assert.False(wrongExit.Passed);
        Assert.Contains("exit code 2, expected 0", wrongExit.Message, StringComparison.Ordinal);
        Assert.True(bothHold.Passed);
    }

    [Fact]
    public async Task VerifyAsync_NonZeroExpectedExitCode_Matches()
    {
        var result = await Verify(new VerificationConfig("exit 3", null, 3));

        Assert.True(result.Passed, result.Message);
    }

    private Task<GateResult> Verify(VerificationConfig config) =>
        new Verifier(new ProcessRunner(TimeProvider.System)).VerifyAsync(config, _dir.Path, TimeSpan.FromSeconds(30), _log, CancellationToken.None);
}
