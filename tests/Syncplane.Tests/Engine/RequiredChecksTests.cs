using Syncplane.Checks;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine;

/// <summary><c>requires:</c> before direct and queued runs: a down check skips the run (refused), results are cached for <c>cache_ttl</c>.</summary>
public sealed class RequiredChecksTests : IAsyncLifetime
{
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await EngineTestBed.CreateAsync("""
            targets:
              publish:
                entrypoint: "touch published"
                requires: [ready]
            checks:
              ready: { command: "test -f ready", cache_ttl: 60s }
            """);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private SyncRunner Runner() => new(_bed.Config, _bed.Store, _bed.Time, Syncplane.Connectors.ConnectorRegistry.Default, _bed.Secrets);

    private Task<TargetRunResult> RunAsync() => Runner().RunAsync(_bed.Config.Targets[0], new RunOptions(), null, null, null, CancellationToken.None);

    [Fact]
    public async Task RequiredCheckDown_SkipsTheRunAsRefused_AndRecordsTheCheck()
    {
        var result = await RunAsync();

        Assert.Equal(RunStatus.Refused, result.Status);
        Assert.StartsWith("skipped: required check 'ready' is down: 'test -f ready' exited with 1", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_bed.Directory["published"]));
        var recorded = Assert.Single(await _bed.Store.ListCheckResultsAsync("ready", null, 10, CancellationToken.None));
        Assert.Equal(CheckStatus.Down, recorded.Status);
        Assert.Equal((RunStatus.Refused, result.Message), ((await _bed.Store.GetRunAsync(result.RunId, CancellationToken.None))!.Status, (await _bed.Store.GetRunAsync(result.RunId, CancellationToken.None))!.Message));
    }

    [Fact]
    public async Task AResultYoungerThanCacheTtl_IsReused_AnOlderOneIsCheckedAgain()
    {
        await RunAsync();
        _bed.Directory.Write("ready", "");

        _bed.Time.Advance(TimeSpan.FromSeconds(59));
        var cached = await RunAsync();
        _bed.Time.Advance(TimeSpan.FromSeconds(2));
        var fresh = await RunAsync();

        Assert.Equal(RunStatus.Refused, cached.Status);
        Assert.Equal(RunStatus.Succeeded, fresh.Status);
        Assert.True(File.Exists(_bed.Directory["published"]));
        var history = await _bed.Store.ListCheckResultsAsync("ready", null, 10, CancellationToken.None);
        Assert.Equal([CheckStatus.Healthy, CheckStatus.Down], history.Select(r => r.Status));
    }

    [Fact]
    public async Task QueuedRun_RequiredCheckDown_IsRefusedByTheWorkerWithoutRetries()
    {
        var queued = await _bed.EnqueueAsync("publish");
        _bed.Start(_bed.NewWorker(new WorkerOptions { IdleWait = TimeSpan.FromSeconds(1) }).RunAsync);

        var finished = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, TimeSpan.FromSeconds(1));

        Assert.Equal("refused", finished.Status);
        var run = await _bed.Store.GetRunAsync(queued.RunId, CancellationToken.None);
        Assert.Equal((RunStatus.Refused, 1), (run!.Status, run.Attempt));
        Assert.StartsWith("skipped: required check 'ready' is down", run.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_bed.Directory["published"]));
    }
}
