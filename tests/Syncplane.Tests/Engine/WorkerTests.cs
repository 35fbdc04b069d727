using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine;

public sealed class WorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await EngineTestBed.CreateAsync("""
            targets:
              mirror:
                source: { directory: { path: src } }
                destination: { directory: { path: dst } }
              broken:
                source: { directory: { path: missing } }
                destination: { directory: { path: out } }
                retry: { attempts: 3, backoff: [5s, 30s] }
              slow:
                entrypoint: "while [ ! -f go ]; do sleep 0.05; done"
            """);
        _bed.Directory.Write("src/a.txt", "a");
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task RunAsync_QueuedRun_RunsItOnceAndRecordsSuccess()
    {
        var queued = await _bed.EnqueueAsync("mirror");
        _bed.Start(_bed.NewWorker().RunAsync);

        var finished = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);

        Assert.Equal(queued.RunId, finished.RunId);
        var run = await _bed.Store.GetRunAsync(queued.RunId, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal(1, run.Attempt);
        Assert.Equal("a", File.ReadAllText(_bed.Directory.Combine("dst/a.txt")));
        Assert.Single(await _bed.RunsAsync("mirror"));
    }

    [Fact]
    public async Task RunAsync_FailingTarget_RetriedPerPolicyThenDeadLettered_AndARetryRunsAgain()
    {
        var queued = await _bed.EnqueueAsync("broken");
        _bed.Start(_bed.NewWorker().RunAsync);

        var start = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, Step);
        var first = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Retrying, Step);
        var restart = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, Step);
        var second = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Retrying, Step);
        var third = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, Step);
        var last = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);

        Assert.Equal((1, 2, 3), (first.Attempt, second.Attempt, last.Attempt));
        Assert.Equal(queued.RunId, last.RunId);
        Assert.Equal(2, restart.Attempt);
        Assert.Contains("attempt 1 of 3 failed; retrying in 5s", first.Message, StringComparison.Ordinal);
        Assert.Contains("attempt 2 of 3 failed; retrying in 30s", second.Message, StringComparison.Ordinal);
        // The retry never comes before its backoff from the attempt that failed. The clock moves while the worker reports
        // (a step per 25 ms of quiet), so a Retrying event's own time may be later than its decision: measure from the starts.
        Assert.InRange(restart.At - start.At, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
        Assert.InRange(third.At - restart.At, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45));
        var run = await _bed.Store.GetRunAsync(queued.RunId, CancellationToken.None);
        Assert.Equal(RunStatus.Failed, run!.Status);
        Assert.Equal(3, run.Attempt);
        Assert.Contains("no attempts left", run.Message, StringComparison.Ordinal);

        // A manual retry after the cause is fixed is a new run that reads the source again.
        _bed.Directory.Write("missing/b.txt", "b");
        var retry = await _bed.Store.EnqueueAsync(new RunRequest("broken", "retry", RunPriority.Manual, _bed.Time.UtcNow), CancellationToken.None);
        var done = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);

        Assert.NotEqual(queued.RunId, retry.RunId);
        Assert.Equal(retry.RunId, done.RunId);
        Assert.Equal("succeeded", done.Status);
        Assert.True(File.Exists(_bed.Directory.Combine("out/b.txt")));
    }

    [Fact]
    public async Task RunAsync_LeaseTakenOver_TheOldWorkerCannotComplete()
    {
        var partitioned = new InterceptingStore(_bed.Store);
        var options = new WorkerOptions { IdleWait = Step, LeaseDuration = TimeSpan.FromSeconds(30), WorkerId = "a" };
        var queued = await _bed.EnqueueAsync("slow");
        _bed.Start(_bed.NewWorker(options, partitioned.Proxy).RunAsync);
        var started = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, Step);

        // Worker a loses the store (its renewals fail) while its run hangs; the lease expires and worker b takes over.
        partitioned.Renewals = false;
        _bed.Time.Advance(TimeSpan.FromSeconds(31));
        _bed.Start(_bed.NewWorker(options with { WorkerId = "b" }).RunAsync);
        var takeover = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, Step);
        partitioned.Renewals = true;
        File.WriteAllText(_bed.Directory.Combine("go"), "");

        var events = new[]
        {
            await _bed.NextEventAsync(e => e.Kind is WorkerEventKind.Finished or WorkerEventKind.FencedOut, Step),
            await _bed.NextEventAsync(e => e.Kind is WorkerEventKind.Finished or WorkerEventKind.FencedOut, Step),
        };

        Assert.Equal((queued.RunId, 1), (started.RunId, started.Attempt));
        Assert.Equal((queued.RunId, 2), (takeover.RunId, takeover.Attempt));
        var fenced = Assert.Single(events, e => e.Kind == WorkerEventKind.FencedOut);
        Assert.Equal(1, fenced.Attempt);
        var finished = Assert.Single(events, e => e.Kind == WorkerEventKind.Finished);
        Assert.Equal(2, finished.Attempt);
        var run = await _bed.Store.GetRunAsync(queued.RunId, CancellationToken.None);
        Assert.Equal((RunStatus.Succeeded, 2), (run!.Status, run.Attempt));
    }

    [Fact]
    public async Task RunAsync_Stopped_ReleasesARunThatOutlastsTheGracePeriod()
    {
        var queued = await _bed.EnqueueAsync("slow");
        var stop = _bed.Start(_bed.NewWorker(new WorkerOptions { IdleWait = Step, ShutdownGrace = TimeSpan.FromSeconds(10) }).RunAsync);
        await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Started, Step);

        await stop.CancelAsync();
        var released = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Released, Step);

        Assert.Equal(queued.RunId, released.RunId);
        var run = await _bed.Store.GetRunAsync(queued.RunId, CancellationToken.None);
        Assert.Equal(RunStatus.Queued, run!.Status);
    }

    [Fact]
    public async Task RunAsync_StoreUnavailable_KeepsTryingAndRunsOnceItAnswers()
    {
        var flaky = new InterceptingStore(_bed.Store) { Claims = false };
        var queued = await _bed.EnqueueAsync("mirror");
        _bed.Start(_bed.NewWorker(store: flaky.Proxy).RunAsync);

        var outage = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.StoreUnavailable, Step);
        flaky.Claims = true;
        var finished = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);

        Assert.Contains("starting up", outage.Message, StringComparison.Ordinal);
        Assert.Equal((queued.RunId, "succeeded"), (finished.RunId, finished.Status));
    }

    [Fact]
    public async Task RunAsync_StoreUnavailableWhenTheRunEnds_RecordsTheEndOnceItAnswers_InsteadOfLeavingItRunning()
    {
        var flaky = new InterceptingStore(_bed.Store) { Completions = false };
        var queued = await _bed.EnqueueAsync("mirror");
        _bed.Start(_bed.NewWorker(store: flaky.Proxy).RunAsync);

        var outage = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.StoreUnavailable, Step);
        flaky.Completions = true;
        var finished = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);

        Assert.Equal(queued.RunId, outage.RunId);
        Assert.Equal((queued.RunId, "succeeded"), (finished.RunId, finished.Status));
        Assert.Equal(RunStatus.Succeeded, (await _bed.Store.GetRunAsync(queued.RunId, CancellationToken.None))!.Status);
    }
}
