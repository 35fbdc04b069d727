using Syncplane.Config;
using Syncplane.Engine.Policies;
using Syncplane.Storage;

namespace Syncplane.Engine;

internal sealed partial class Worker
{
    private static readonly string[] ManualTriggers = ["manual", "cli", "retry"];

    /// <summary>
    /// Checks the target's windows and <c>depends_on</c> before a claimed run starts; a run held back goes
    /// back to the queue without spending its attempt, due when the window opens (or, waiting for a
    /// dependency, after <see cref="WorkerOptions.DependencyRecheck"/>). True when it was held back.
    /// </summary>
    private async Task<bool> HoldBackAsync(TargetConfig target, RunLease lease)
    {
        if (target.Windows.Count == 0 && target.DependsOn.Count == 0)
        {
            return false;
        }

        var newest = new Dictionary<string, DependencyRunState>(StringComparer.Ordinal);
        foreach (var dependency in target.DependsOn)
        {
            newest[dependency] = await NewestRunStateAsync(dependency);
        }

        var now = time.GetUtcNow();
        var isManual = ManualTriggers.Contains(lease.Trigger, StringComparer.Ordinal);
        var decision = StartGate.Check(target, now, isManual, FailureStreak.None, d => newest.GetValueOrDefault(d));
        if (decision.CanStart)
        {
            return false;
        }

        var notBefore = decision.NotBefore is { } at && at > now ? at : now + options.DependencyRecheck;
        await RequeueAsync(lease, notBefore, decision.Reason ?? "held back", countAttempt: false, WorkerEventKind.Waiting, attemptLog: null);
        return true;
    }

    private async Task<DependencyRunState> NewestRunStateAsync(string target)
    {
        var runs = await store.ListRunsAsync(new RunQuery(target, Limit: 1), CancellationToken.None);
        return runs.Count == 0 ? DependencyRunState.None : runs[0].Status switch
        {
            RunStatus.Queued or RunStatus.Running => DependencyRunState.Pending,
            RunStatus.Succeeded => DependencyRunState.Succeeded,
            _ => DependencyRunState.Failed,
        };
    }

    /// <summary>
    /// With <c>pause_after_failures: N</c>, pauses the target once a run fails for good N times in a row, and
    /// resumes it when a run (a manual one: paused targets are not scheduled) succeeds.
    /// </summary>
    private async Task UpdateStreakAsync(TargetConfig target, RunCompletion completion)
    {
        if (target.PauseAfterFailures is not { } pauseAfter || pauseAfter <= 0 || completion.Status is not (RunStatus.Failed or RunStatus.Succeeded))
        {
            return;
        }

        var state = await store.GetTargetStateAsync(target.Name, CancellationToken.None);
        if (state is null)
        {
            return;
        }

        var streak = new FailureStreak(Math.Max(0, state.ConsecutiveFailures - 1), state.PausedReason);
        var next = completion.Status == RunStatus.Succeeded ? streak.RecordSuccess() : streak.RecordFailure(pauseAfter, completion.Message);
        if (next.PausedReason != state.PausedReason)
        {
            await store.SetPausedAsync(target.Name, next.PausedReason, CancellationToken.None);
        }
    }
}
