using Syncplane.Engine;
using Syncplane.Events;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task GetTargetStateAsync_IsThatTargetsEntryOfListTargetStates()
    {
        await FinishedRun("a", RunStatus.Succeeded, "synced", new PlanSummary(1, 2, 0, 10, 100));
        await FinishedRun("a", RunStatus.Failed, "boom", null);
        await FinishedRun("a", RunStatus.Failed, "bang", null);
        await FinishedRun("ab", RunStatus.Succeeded, "ok", new PlanSummary(0, 0, 1, 0, 0));
        await Store.EnqueueAsync(Request("ab"), Ct);
        await Store.StartRunAsync(new NewRun("c", "cli", "pull", false), Ct);
        await Store.SetPausedAsync("a", "paused after 2 consecutive failures", Ct);
        await Store.SetFrequencyOverrideAsync("settings-only", "5min", Ct);

        var listed = await Store.ListTargetStatesAsync(Ct);

        Assert.Equal(["a", "ab", "c", "settings-only"], listed.Select(s => s.Target));
        foreach (var state in listed)
        {
            Assert.Equal(state, await Store.GetTargetStateAsync(state.Target, Ct));
        }

        var a = await Store.GetTargetStateAsync("a", Ct);
        Assert.Equal(("error", 3, 2, "paused after 2 consecutive failures"), (a!.Status, a.TotalRuns, a.ConsecutiveFailures, a.PausedReason));
        Assert.Null(await Store.GetTargetStateAsync("unknown", Ct));
    }

    [Fact]
    public async Task ListTargetSettingsAsync_HasTheSettingsOfListTargetStates_AndNoTargetWithRunsOnly()
    {
        await FinishedRun("runs-only", RunStatus.Failed, "boom", null);
        await FinishedRun("paused", RunStatus.Failed, "boom", null);
        await Store.SetPausedAsync("paused", "paused after 1 consecutive failure", Ct);
        await Store.SetFrequencyOverrideAsync("B-override", "5min", Ct);
        await Store.SetFrequencyOverrideAsync("a-override", "hourly", Ct);

        var settings = await Store.ListTargetSettingsAsync(Ct);

        Assert.Equal(
            [new("B-override", "5min", null), new("a-override", "hourly", null), new TargetSettings("paused", null, "paused after 1 consecutive failure")],
            settings);
        var states = (await Store.ListTargetStatesAsync(Ct)).Where(s => s.FrequencyOverride is not null || s.PausedReason is not null);
        Assert.Equal(settings, states.Select(s => new TargetSettings(s.Target, s.FrequencyOverride, s.PausedReason)));
    }

    [Fact]
    public async Task GetTargetStateAsync_RunRequeuedForARetry_IsRetryingWithItsAttemptsErrorAndNextAttempt()
    {
        await Store.EnqueueAsync(Request("flaky"), Ct);
        var lease = await Store.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct);
        var failedAt = Time.UtcNow;
        await Store.RequeueAsync(lease!.RunId, lease.Fence, failedAt.AddMinutes(5), "attempt 1 of 3 failed; retrying in 5m", countAttempt: true, "exit code 3", Ct);

        var state = await Store.GetTargetStateAsync("flaky", Ct);

        Assert.Equal("retrying", state!.Status);
        Assert.Equal(new CurrentRun("retrying", 2, failedAt.AddMinutes(5), "exit code 3", failedAt, null, null), state.Current);
        Assert.Equal(0, state.ConsecutiveFailures); // no run failed for good yet; telemetry counts the retrying one
        Assert.Equal(("exit code 3", failedAt), (state.LastAttemptError, state.LastAttemptErrorAt));
    }

    [Fact]
    public async Task RecordWaitAsync_RunningRunWaits_IsWaitingUntilThen_ItsLogAndARunWaitingEventAtOnce()
    {
        var runId = await Store.StartRunAsync(new NewRun("paced", "cli", "pull", false), Ct);
        var until = Time.UtcNow.AddSeconds(40);

        await Store.RecordWaitAsync(runId, "waiting for rate limit 'ads' (1/minute): next token in 40s", until, [new LogLine(Time.UtcNow, LogLevel.Info, "waiting for rate limit 'ads' (1/minute): next token in 40s")], Ct);
        var waiting = await Store.GetTargetStateAsync("paced", Ct);
        var log = await Store.GetLogAsync(runId, Ct);
        var events = await Store.ReadEventsAsync(0, 100, Ct);
        Time.Advance(TimeSpan.FromSeconds(41));
        var after = await Store.GetTargetStateAsync("paced", Ct);

        Assert.Equal(("waiting", "waiting for rate limit 'ads' (1/minute): next token in 40s", until), (waiting!.Status, waiting.Current!.WaitReason, waiting.Current.WaitUntil));
        Assert.Equal("waiting for rate limit 'ads' (1/minute): next token in 40s", Assert.Single(log).Message);
        Assert.Contains(events, e => e.Type == EventTypes.RunWaiting && e.RunId == runId);
        Assert.Equal(("syncing", null), (after!.Status, after.Current!.WaitReason)); // the token came: it syncs again
    }
}
