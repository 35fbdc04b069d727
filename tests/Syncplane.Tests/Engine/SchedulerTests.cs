using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine;

public sealed class SchedulerTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await EngineTestBed.CreateAsync("""
            targets:
              hourly-mirror:
                source: { directory: { path: src } }
                destination: { directory: { path: dst } }
                schedule: every 1h
              by-hand:
                source: { directory: { path: src } }
                destination: { directory: { path: dst2 } }
            """);
        _bed.Directory.Write("src/a.txt", "a");
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task RunAsync_DueTarget_IsEnqueuedOnceAndRunOnce()
    {
        _bed.Start(NewScheduler("node-1").RunAsync);
        _bed.Start(_bed.NewWorker(new WorkerOptions { IdleWait = TimeSpan.FromSeconds(30), LeaseDuration = TimeSpan.FromMinutes(10) }).RunAsync);

        var finished = await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(30), Step);

        Assert.Equal(("hourly-mirror", "succeeded"), (finished.Target, finished.Status));
        var run = Assert.Single(await _bed.RunsAsync());
        Assert.Equal(("schedule", RunStatus.Succeeded), (run.Trigger, run.Status));
        Assert.Single(await _bed.Store.GetLastFiringsAsync(CancellationToken.None));

        // The next hour's slot fires once more.
        await _bed.NextEventAsync(e => e.Kind == WorkerEventKind.Finished, Step);
        Assert.Equal(2, (await _bed.RunsAsync("hourly-mirror")).Count);
        Assert.Empty(await _bed.RunsAsync("by-hand"));
    }

    [Fact]
    public async Task RunAsync_TwoActiveSchedulersOnOneStore_NeverFireASlotTwice()
    {
        // The same holder makes two schedulers both believe they hold the lease: only the firing key stops a double firing.
        var spy = new InterceptingStore(_bed.Store);
        _bed.Start(NewScheduler("same-node", spy.Proxy).RunAsync);
        _bed.Start(NewScheduler("same-node", spy.Proxy).RunAsync);
        _bed.Start(NewScheduler("other-node", spy.Proxy).RunAsync);

        // Slots at 00:00, 01:00, 02:00 and 03:00, each fired within its jitter window (under 5 minutes).
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(190), TimeSpan.FromMinutes(2));

        Assert.Equal(4, spy.Enqueued.Count(r => r.Target == "hourly-mirror"));
        Assert.DoesNotContain(spy.Enqueued, r => r.Target == "by-hand");
        Assert.All(spy.Enqueued, r => Assert.Equal((RunPriority.Scheduled, "schedule"), (r.Priority, r.Trigger)));
    }

    [Fact]
    public async Task RunAsync_AfterDowntime_MissedSlotsFireOnce()
    {
        var spy = new InterceptingStore(_bed.Store);
        var first = _bed.Start(NewScheduler("node-1", spy.Proxy).RunAsync);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        await first.CancelAsync();

        _bed.Time.Advance(TimeSpan.FromHours(5)); // nothing runs for five slots
        _bed.Start(NewScheduler("node-2", spy.Proxy).RunAsync);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1));

        Assert.Equal(2, spy.Enqueued.Count);
    }

    [Fact]
    public async Task RunAsync_ActiveNodeDies_StandbyTakesOverWithinTheLease_AndFiresTheNextSlot()
    {
        var first = new InterceptingStore(_bed.Store);
        var second = new InterceptingStore(_bed.Store);
        var active = _bed.Start(NewScheduler("node-1", first.Proxy).RunAsync);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        var standby = NewScheduler("node-2", second.Proxy);
        _bed.Start(standby.RunAsync);
        await _bed.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        var wasStandby = !standby.IsActive;

        await active.CancelAsync(); // node-1 dies without releasing the lease
        var diedAt = _bed.Time.UtcNow;
        await _bed.AdvanceUntilAsync(() => Task.FromResult(standby.IsActive), TimeSpan.FromSeconds(1));
        var takeover = _bed.Time.UtcNow - diedAt;
        await _bed.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        Assert.True(wasStandby);
        Assert.True(takeover <= TimeSpan.FromSeconds(25), $"took over after {takeover}");
        Assert.Single(first.Enqueued);
        Assert.Single(second.Enqueued);
    }

    [Fact]
    public async Task RunAsync_FrequencyOverrideSetWhileRunning_SchedulesAManualTarget()
    {
        var spy = new InterceptingStore(_bed.Store);
        _bed.Start(NewScheduler("node-1", spy.Proxy).RunAsync);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        var before = spy.Enqueued.Count(r => r.Target == "by-hand");

        await _bed.Store.SetFrequencyOverrideAsync("by-hand", "10min", CancellationToken.None);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(32), TimeSpan.FromMinutes(1));

        Assert.Equal(0, before);
        Assert.InRange(spy.Enqueued.Count(r => r.Target == "by-hand"), 3, 4);
    }

    [Fact]
    public async Task RunAsync_PausedTarget_IsNotEnqueued()
    {
        await _bed.Store.SetPausedAsync("hourly-mirror", "maintenance", CancellationToken.None);
        _bed.Start(NewScheduler("node-1").RunAsync);

        await _bed.AdvanceAsync(TimeSpan.FromHours(2), TimeSpan.FromMinutes(5));

        Assert.Empty(await _bed.RunsAsync());
    }

    [Fact]
    public async Task RunAsync_FrequencySetRightAfterAManualSync_CountsTheIntervalFromThatRun()
    {
        _bed.Start(NewScheduler("node-1").RunAsync);
        _bed.Start(_bed.NewWorker(new WorkerOptions { IdleWait = TimeSpan.FromSeconds(5), LeaseDuration = TimeSpan.FromMinutes(10) }).RunAsync);
        await _bed.EnqueueAsync("by-hand"); // "Sync Now"
        await _bed.NextEventAsync(e => e is { Kind: WorkerEventKind.Finished, Target: "by-hand" }, TimeSpan.FromSeconds(1));
        var ranAt = (await _bed.RunsAsync("by-hand")).Single().StartedAt!.Value;

        await _bed.Store.SetFrequencyOverrideAsync("by-hand", "30min", CancellationToken.None);
        await _bed.AdvanceAsync(ranAt + TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(10) - _bed.Time.GetUtcNow(), TimeSpan.FromSeconds(10));
        var beforeInterval = await _bed.RunsAsync("by-hand");
        await _bed.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));
        var runs = await _bed.RunsAsync("by-hand");

        Assert.Single(beforeInterval); // not again at once, nor before 30 minutes
        var scheduled = Assert.Single(runs, r => r.Trigger == "schedule");
        Assert.InRange(scheduled.QueuedAt - ranAt, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_TargetPausedWhileRunning_StopsFiring_AndFiresAgainOnceResumed()
    {
        var spy = new InterceptingStore(_bed.Store);
        _bed.Start(NewScheduler("node-1", spy.Proxy).RunAsync);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        var beforePause = spy.Enqueued.Count(r => r.Target == "hourly-mirror");

        await _bed.Store.SetPausedAsync("hourly-mirror", "maintenance", CancellationToken.None);
        await _bed.AdvanceAsync(TimeSpan.FromHours(3), TimeSpan.FromMinutes(1));
        var whilePaused = spy.Enqueued.Count(r => r.Target == "hourly-mirror");

        await _bed.Store.SetPausedAsync("hourly-mirror", null, CancellationToken.None);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10));
        var resumed = spy.Enqueued.Count(r => r.Target == "hourly-mirror");
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(70), TimeSpan.FromMinutes(1));

        Assert.Equal((1, 1), (beforePause, whilePaused));
        Assert.Equal(2, resumed); // the slots missed while paused fire once, at once
        Assert.Equal(3, spy.Enqueued.Count(r => r.Target == "hourly-mirror")); // then hourly again
    }

    [Fact]
    public async Task RunAsync_FrequencyOverrideCleared_LeavesAManualTargetUnscheduledAgain()
    {
        var spy = new InterceptingStore(_bed.Store);
        _bed.Start(NewScheduler("node-1", spy.Proxy).RunAsync);
        await _bed.Store.SetFrequencyOverrideAsync("by-hand", "10min", CancellationToken.None);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(1));
        var withOverride = spy.Enqueued.Count(r => r.Target == "by-hand");

        await _bed.Store.SetFrequencyOverrideAsync("by-hand", null, CancellationToken.None);
        await _bed.AdvanceAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10));
        var cleared = spy.Enqueued.Count(r => r.Target == "by-hand");
        await _bed.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        Assert.InRange(withOverride, 2, 3);
        Assert.Equal(cleared, spy.Enqueued.Count(r => r.Target == "by-hand"));
    }

    private Scheduler NewScheduler(string holder, ISyncStore? store = null) =>
        new(_bed.Config, store ?? _bed.Store, _bed.Time, new SchedulerOptions { Holder = holder });
}
