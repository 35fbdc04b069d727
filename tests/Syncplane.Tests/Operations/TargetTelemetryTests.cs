using Syncplane.Engine;
using Syncplane.Operations;
using Syncplane.Scheduling;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Operations;

public sealed class TargetTelemetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
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
    public async Task NextRunAt_TargetRunOnlyThroughTheCli_IsWhenASchedulerWouldEnqueueIt_NotBeforeItsLastCompletion()
    {
        // The clock starts on a jitter-window boundary; the run below ends inside that window, after the target's offset.
        var offset = ScheduleJitter.Offset("reports", Window);
        Assert.True(offset < TimeSpan.FromMinutes(4), $"the test needs an offset under 4 minutes, got {offset}");
        _bed.Time.Advance(offset + TimeSpan.FromSeconds(20));
        var run = await _bed.Store.StartRunAsync(new NewRun("reports", "cli", "pull", false), Ct);
        _bed.Time.Advance(TimeSpan.FromSeconds(10));
        await _bed.Store.CompleteRunAsync(run, new RunCompletion { Status = RunStatus.Succeeded, Message = "ok" }, Ct);
        _bed.Time.Advance(TimeSpan.FromSeconds(5));

        var telemetry = Assert.Single(await TargetTelemetry.ListAsync(_bed.Config, _bed.Store, _bed.Time, Ct));

        Assert.True(telemetry.NextRunAt >= telemetry.LastSyncCompletedAt, $"next run {telemetry.NextRunAt:O} lies before the last completion {telemetry.LastSyncCompletedAt:O}");

        // What a scheduler taking over now actually does with this target.
        var spy = new InterceptingStore(_bed.Store);
        await new Scheduler(_bed.Config, spy.Proxy, _bed.Time, new SchedulerOptions { Holder = "node-1" }).PassAsync(TimeSpan.FromSeconds(10), Ct);
        var fired = Assert.Single(spy.Enqueued);
        Assert.Equal(fired.NotBefore, telemetry.NextRunAt);
    }
}
