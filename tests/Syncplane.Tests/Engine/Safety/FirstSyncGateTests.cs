using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Safety;

/// <summary>
/// A drift gate is skipped on a target's first sync — no successful run of it in the store and none of its outputs
/// there — and judges every run after that, also for targets that write no outputs (before, those were "first
/// sync" forever and their gates never ran).
/// </summary>
public sealed class FirstSyncGateTests
{
    private const string Yaml = """
        targets:
          notify: { entrypoint: "echo notified" }
          misplaced:
            entrypoint: "mkdir -p elsewhere && echo x > elsewhere/state.json"
            outputs: [out/state.json]
          folder:
            source: { directory: { path: src } }
            destination: { directory: { path: dst } }
          broken: { entrypoint: "exit 1" }
          writer:
            entrypoint: "echo x > out/state.json"
            outputs: [out/state.json]
        safety:
          drift_gates:
            - { name: "module count", command: "ls modules 2>/dev/null | wc -l", min_value: 2 }
        """;

    [Theory]
    [InlineData("notify")]
    [InlineData("misplaced")]
    [InlineData("folder")]
    public async Task FirstRun_PassesDespiteTheGate_TheSecondIsJudgedByIt(string target)
    {
        await using var bed = await EngineTestBed.CreateAsync(Yaml);
        bed.Directory.Write("src/a.md", "a");

        var first = await RunAsync(bed, target);
        var second = await RunAsync(bed, target);

        Assert.Equal(RunStatus.Succeeded, first.Status);
        Assert.Contains("(first sync: drift gate 'module count' skipped)", first.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Refused, second.Status);
        Assert.Contains("drift gate 'module count'", second.Message, StringComparison.Ordinal);
        Assert.Contains("value 0 is below the minimum 2", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnceTheGatePasses_LaterRunsSucceedWithoutANote()
    {
        await using var bed = await EngineTestBed.CreateAsync(Yaml);
        await RunAsync(bed, "notify");
        bed.Directory.Write("modules/a", "");
        bed.Directory.Write("modules/b", "");

        var second = await RunAsync(bed, "notify");

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.DoesNotContain("skipped", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedAndDryRuns_DoNotEndTheFirstSync()
    {
        await using var bed = await EngineTestBed.CreateAsync(Yaml);

        var failed = await RunAsync(bed, "broken");
        var again = await RunAsync(bed, "broken");
        await RunAsync(bed, "notify", dryRun: true);
        var real = await RunAsync(bed, "notify");

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(RunStatus.Failed, again.Status); // the gate was skipped again: the script ran and failed
        Assert.Equal(RunStatus.Succeeded, real.Status);
        Assert.Contains("first sync: drift gate 'module count' skipped", real.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputsThatExist_AreNoFirstSync_EvenWithAnEmptyStore()
    {
        // A fresh CI clone: the outputs are committed, the store (.syncplane) is not, so the gate judges the run.
        await using var bed = await EngineTestBed.CreateAsync(Yaml);
        bed.Directory.Write("out/state.json", "committed");

        var result = await RunAsync(bed, "writer");

        Assert.Equal(RunStatus.Refused, result.Status);
        Assert.Equal("committed", File.ReadAllText(bed.Directory.Combine("out", "state.json")));
    }

    private static Task<TargetRunResult> RunAsync(EngineTestBed bed, string target, bool dryRun = false)
    {
        var runner = new SyncRunner(bed.Config, bed.Store, bed.Time, ConnectorRegistry.Default, bed.Secrets);
        return runner.RunAsync(bed.Config.Targets.Single(t => t.Name == target), new RunOptions(dryRun), null, null, null, CancellationToken.None);
    }
}
