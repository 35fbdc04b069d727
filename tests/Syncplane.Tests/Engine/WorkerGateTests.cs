using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine;

public sealed class WorkerGateTests : IAsyncLifetime
{
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await EngineTestBed.CreateAsync("""
            targets:
              upstream:
                source: { directory: { path: src } }
                destination: { directory: { path: mid } }
              downstream:
                source: { directory: { path: mid } }
                destination: { directory: { path: dst } }
                depends_on: [upstream]
              nightly-quiet:
                source: { directory: { path: src } }
                destination: { directory: { path: quiet } }
                windows: [ { deny: "0 0 * * *", duration: 2h } ]
              flaky:
                source: { directory: { path: missing } }
                destination: { directory: { path: flaky-out } }
                retry: { attempts: 1 }
                pause_after_failures: 2
            """);
        _bed.Directory.Write("src/a.txt", "a");
        _bed.Directory.Write("mid/.keep", "");
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task RunAsync_DependencyNotYetSucceeded_WaitsWithoutSpendingAnAttempt_ThenRuns()
    {
        var worker = new WorkerOptions { IdleWait = TimeSpan.FromSeconds(1), DependencyRecheck = TimeSpan.FromSeconds(10) };
        var downstream = await _bed.EnqueueAsync("downstream");
        _bed.Start(_bed.NewWorker(worker).RunAsync);

        var waiting = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Waiting, TimeSpan.FromSeconds(1));
        await _bed.EnqueueAsync("upstream");
        var first = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, TimeSpan.FromSeconds(1));
        var second = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, TimeSpan.FromSeconds(1));

        Assert.Contains("upstream", waiting.Message, StringComparison.Ordinal);
        Assert.Equal(("upstream", "downstream"), (first.Target, second.Target));
        var run = await _bed.Store.GetRunAsync(downstream.RunId, CancellationToken.None);
        Assert.Equal((RunStatus.Succeeded, 1), (run!.Status, run.Attempt));
        Assert.Equal("a", File.ReadAllText(_bed.Directory.Combine("dst/a.txt")));
    }

    [Fact]
    public async Task RunAsync_InsideADenyWindow_ScheduledRunWaitsUntilItCloses()
    {
        var start = _bed.Time.UtcNow;
        await _bed.EnqueueAsync("nightly-quiet", RunPriority.Scheduled, "schedule");
        _bed.Start(_bed.NewWorker().RunAsync);

        var waiting = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Waiting, TimeSpan.FromMinutes(1));
        await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, TimeSpan.FromMinutes(1));

        Assert.Contains("deny window", waiting.Message, StringComparison.Ordinal);
        Assert.True(_bed.Time.UtcNow >= start + TimeSpan.FromHours(2), $"started at {_bed.Time.UtcNow:O}");
    }

    [Fact]
    public async Task RunAsync_PauseAfterFailures_PausesOnTheNthFailedRun_AndASuccessResumes()
    {
        _bed.Start(_bed.NewWorker().RunAsync);
        await _bed.EnqueueAsync("flaky");
        await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, TimeSpan.FromSeconds(1));
        var afterOne = await StateAsync();
        await _bed.EnqueueAsync("flaky");
        await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, TimeSpan.FromSeconds(1));
        var afterTwo = await StateAsync();
        _bed.Directory.Write("missing/c.txt", "c");
        await _bed.EnqueueAsync("flaky");
        await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, TimeSpan.FromSeconds(1));
        var afterFix = await StateAsync();

        Assert.Null(afterOne.PausedReason);
        Assert.Contains("paused after 2 consecutive failures", afterTwo.PausedReason, StringComparison.Ordinal);
        Assert.Null(afterFix.PausedReason);
        Assert.Equal(0, afterFix.ConsecutiveFailures);
    }

    private async Task<TargetState> StateAsync() =>
        (await _bed.Store.ListTargetStatesAsync(CancellationToken.None)).Single(s => s.Target == "flaky");
}
