using Syncplane.Engine;
using Syncplane.Operations;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Operations;

public sealed class TargetTelemetryTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await EngineTestBed.CreateAsync("""
        targets:
          reports:
            entrypoint: "true"
            schedule: hourly
            jitter: 5m
        """);

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task NextRunAt_TargetRunOnlyThroughTheCli_IsOneIntervalAfterThatRun_WhenASchedulerEnqueuesIt()
    {
        _bed.Time.Advance(TimeSpan.FromSeconds(20));
        var started = _bed.Time.GetUtcNow();
        var run = await _bed.Store.StartRunAsync(new NewRun("reports", "cli", "pull", false), Ct);
        _bed.Time.Advance(TimeSpan.FromSeconds(10));
        await _bed.Store.CompleteRunAsync(run, new RunCompletion { Status = RunStatus.Succeeded, Message = "ok" }, Ct);
        _bed.Time.Advance(TimeSpan.FromSeconds(5));

        var telemetry = Assert.Single(await TargetTelemetry.ListAsync(_bed.Config, _bed.Store, _bed.Time, Ct));

        // "hourly" counts from the last run, whatever started it: not at once because the scheduler never fired it.
        Assert.Equal(started + TimeSpan.FromHours(1), telemetry.NextRunAt);

        // What a scheduler taking over now actually does with this target.
        var spy = new InterceptingStore(_bed.Store);
        var scheduler = new Scheduler(_bed.Config, spy.Proxy, _bed.Time, new SchedulerOptions { Holder = "node-1" });
        await scheduler.PassAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Empty(spy.Enqueued);
        _bed.Time.Advance(telemetry.NextRunAt!.Value - _bed.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        await scheduler.PassAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Empty(spy.Enqueued);
        _bed.Time.Advance(TimeSpan.FromSeconds(1));
        await scheduler.PassAsync(TimeSpan.FromSeconds(10), Ct);
        var fired = Assert.Single(spy.Enqueued);
        Assert.Equal(fired.NotBefore, telemetry.NextRunAt);
    }
}
