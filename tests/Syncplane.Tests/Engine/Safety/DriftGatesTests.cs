using Syncplane.Config;
using Syncplane.Engine.Process;
using Syncplane.Engine.Safety;
using Syncplane.Planning;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Safety;

public sealed class DriftGatesTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestRunLog _log = new();
    private readonly DriftGates _gates = new(new ProcessRunner(TimeProvider.System));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunOneAsync_CountAtLeastMinValue_Passes()
    {
        for (var i = 0; i < 3; i++)
        {
            _dir.Write($"addons/m{i}/__manifest__.py", "{}");
        }

        var result = await RunOne(Gate("find addons -name '__manifest__.py' | wc -l", min: 3));

        Assert.True(result.Passed, result.Message);
        Assert.Equal("value 3 is ≥ 3", result.Message);
    }

    [Fact]
    public async Task RunOneAsync_CountBelowMinValue_FailsWithBothNumbers()
    {
        var result = await RunOne(Gate("echo 'modules:'; echo 42", min: 100));

        Assert.False(result.Passed);
        Assert.Equal("drift gate 'g'", result.Gate);
        Assert.Equal("value 42 is below the minimum 100", result.Message);
    }

    [Fact]
    public async Task RunOneAsync_DriftScoreAboveMax_Fails()
    {
        var result = await RunOne(Gate("echo 'drift score: 2.5'", max: 0));

        Assert.False(result.Passed);
        Assert.Contains("drift score 2.5 is above the maximum 0", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOneAsync_NoNumberInOutput_Fails()
    {
        var result = await RunOne(Gate("echo none", max: 0));

        Assert.False(result.Passed);
        Assert.Contains("no number", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOneAsync_CommandFails_FailsWithExitCodeAndStderr()
    {
        var result = await RunOne(Gate("echo 0; echo 'script broke' >&2; exit 4", max: 0));

        Assert.False(result.Passed);
        Assert.Contains("exit code 4", result.Message, StringComparison.Ordinal);
        Assert.Contains("script broke", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TargetsGlobs_LimitWhichGatesRun()
    {
        DriftGate[] gates =
        [
            Gate("touch ran-oca; echo 0", max: 0, targets: ["oca_*"]),
            Gate("touch ran-notion; echo 0", max: 0, targets: ["notion_*"]),
            Gate("touch ran-all; echo 0", max: 0),
        ];

        var result = await _gates.RunAsync(gates, "oca_repos", firstSync: false, _dir.Path, TimeSpan.FromSeconds(30), _log, CancellationToken.None);

        Assert.True(result.Passed, result.Message);
        Assert.True(File.Exists(_dir["ran-oca"]));
        Assert.False(File.Exists(_dir["ran-notion"]));
        Assert.True(File.Exists(_dir["ran-all"]));
    }

    [Fact]
    public async Task RunAsync_FirstFailingGate_StopsAndIsReported()
    {
        DriftGate[] gates = [Gate("echo 5", max: 1) with { Name = "first" }, Gate("touch second; echo 0", max: 0)];

        var result = await _gates.RunAsync(gates, "t", firstSync: false, _dir.Path, TimeSpan.FromSeconds(30), _log, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("drift gate 'first'", result.Gate);
        Assert.False(File.Exists(_dir["second"]));
    }

    [Fact]
    public async Task RunAsync_OnAFirstSync_AFailingGateIsSkippedWithAWarning_AndTheOthersStillRun()
    {
        DriftGate[] gates = [Gate("echo 0", min: 100) with { Name = "module count" }, Gate("touch second; echo 0", max: 0)];

        var result = await _gates.RunAsync(gates, "oca_repos", firstSync: true, _dir.Path, TimeSpan.FromSeconds(30), _log, CancellationToken.None);

        Assert.True(result.Passed, result.Message);
        Assert.Equal("first sync: drift gate 'module count' skipped", result.Note);
        Assert.Contains(_log.Lines, l => l.Level == Syncplane.Engine.LogLevel.Warning
            && l.Message == "drift gate 'module count' skipped: value 0 is below the minimum 100, but this is oca_repos's first sync (no successful run of it is recorded yet)");
        Assert.True(File.Exists(_dir["second"]));
    }

    [Fact]
    public async Task RunAsync_GatesThatPass_LeaveNoNote()
    {
        var result = await _gates.RunAsync([Gate("echo 0", max: 0)], "t", firstSync: true, _dir.Path, TimeSpan.FromSeconds(30), _log, CancellationToken.None);

        Assert.True(result.Passed, result.Message);
        Assert.Null(result.Note);
    }

    private static DriftGate Gate(string command, double? min = null, double? max = null, string[]? targets = null) =>
        new("g", command, min, max, (targets ?? []).Select(Glob.Parse).ToList());

    private Task<GateResult> RunOne(DriftGate gate) =>
        _gates.RunOneAsync(gate, _dir.Path, TimeSpan.FromSeconds(30), _log, CancellationToken.None);
}
