using SystemProcess = System.Diagnostics.Process;
using System.Diagnostics;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine;

/// <summary><c>syncplane run</c> runs a target directly: at most one at a time, and a run whose process died does not block the target.</summary>
public sealed class DirectRunTests : IAsyncLifetime
{
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await EngineTestBed.CreateAsync("targets:\n  hello: { entrypoint: \"true\" }\n");

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task RunAsync_TargetHeldByADeadProcess_TakesOverAndRecordsTheAbandonedRunAsFailed()
    {
        var abandoned = await _bed.Store.StartRunAsync(new NewRun("hello", "cli", "pull", false, Owner: $"run:{Environment.MachineName}:{DeadPid()}:1", Lease: TimeSpan.FromMinutes(1)), CancellationToken.None);

        var result = await Runner().RunAsync(_bed.Config.Targets[0], new RunOptions(), null, null, null, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, result.Status);
        var old = await _bed.Store.GetRunAsync(abandoned, CancellationToken.None);
        Assert.Equal(RunStatus.Failed, old!.Status);
        Assert.Contains("abandoned", old.Message);
    }

    [Fact]
    public async Task RunAsync_TargetHeldByALiveProcess_FailsWithoutStartingAndLeavesTheRunningRunAlone()
    {
        var running = await _bed.Store.StartRunAsync(new NewRun("hello", "cli", "pull", false, Owner: DirectRunOwner.Current, Lease: TimeSpan.FromMinutes(1)), CancellationToken.None);

        var result = await Runner().RunAsync(_bed.Config.Targets[0], new RunOptions(), null, null, null, CancellationToken.None);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("already running", result.Message);
        Assert.Equal(RunStatus.Running, (await _bed.Store.GetRunAsync(running, CancellationToken.None))!.Status);
        Assert.Single(await _bed.RunsAsync("hello"));
    }

    [Fact]
    public async Task RunAsync_CancelRequestedThroughTheStore_StopsTheRunAtTheNextRenewal_AsCancelledByTheRequester()
    {
        await using var bed = await EngineTestBed.CreateAsync("targets:\n  slow: { entrypoint: \"while [ ! -f never ]; do sleep 0.05; done\" }\n");
        var runner = new SyncRunner(bed.Config, bed.Store, bed.Time, ConnectorRegistry.Default, bed.Secrets);
        var running = Task.Run(() => runner.RunAsync(bed.Config.Targets[0], new RunOptions(), null, null, null, CancellationToken.None));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        RunRecord? run;
        while ((run = (await bed.RunsAsync("slow")).SingleOrDefault()) is null)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.Equal(CancelOutcome.Requested, await bed.Store.RequestCancelAsync(run.Id, "token:alice", CancellationToken.None));
        for (var tick = 0; tick < 10 && !running.IsCompleted; tick++)
        {
            bed.Time.Advance(SyncRunner.DirectRunLease / 3);
            await Task.WhenAny(running, Task.Delay(500, deadline.Token));
        }

        var result = await running.WaitAsync(deadline.Token);
        Assert.Equal((RunStatus.Cancelled, "cancelled by token:alice"), (result.Status, result.Message));
        var recorded = (await bed.Store.GetRunAsync(run.Id, CancellationToken.None))!;
        Assert.Equal((RunStatus.Cancelled, "cancelled by token:alice"), (recorded.Status, recorded.Message));
    }

    private SyncRunner Runner() => new(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets);

    private static int DeadPid()
    {
        using var process = SystemProcess.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
    }
}
