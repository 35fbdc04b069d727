using Syncplane.Config;
using Syncplane.Scheduling;

namespace Syncplane.Engine.Policies;

/// <summary>Whether a claimed run may start now, and if not, until when it waits.</summary>
/// <param name="CanStart">True when nothing holds the run back.</param>
/// <param name="NotBefore">When to look again: the instant a window lets it through; null when it waits for an event instead (a dependency finishing, a resume) or may start.</param>
/// <param name="Reason">Why it waits, for the run record and <c>syncplane status</c>; null when it may start.</param>
internal sealed record StartDecision(bool CanStart, DateTimeOffset? NotBefore, string? Reason)
{
    /// <summary>Nothing holds the run back.</summary>
    public static readonly StartDecision Go = new(true, null, null);
}

/// <summary>
/// The checks before a run starts, in order: pause, windows, dependencies. Rate limits are not here:
/// connectors debit them per upstream call while the run is going (see <see cref="UpstreamBudget"/>).
/// </summary>
internal static class StartGate
{
    /// <summary>Decides for a run of <paramref name="target"/> at <paramref name="now"/>.</summary>
    /// <param name="target">The target's config (windows, depends_on).</param>
    /// <param name="now">The current time.</param>
    /// <param name="isManual">True for "sync now", <c>syncplane trigger</c> and the CLI: they go through a paused target (a person asked; a success resumes it) and through windows with <c>manual_override</c>.</param>
    /// <param name="streak">The target's failure streak.</param>
    /// <param name="lastRunOf">The newest run state of a dependency.</param>
    public static StartDecision Check(TargetConfig target, DateTimeOffset now, bool isManual, FailureStreak streak, Func<string, DependencyRunState> lastRunOf)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(streak);
        if (streak.IsPaused && !isManual)
        {
            return new(false, null, streak.PausedReason);
        }

        if (SyncWindows.Blocker(target.Windows, now, isManual) is { } blocked)
        {
            var next = SyncWindows.NextAllowed(target.Windows, now, isManual);
            var when = next is { } at ? $"; postponed to {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : "; no window lets it start within 400 days";
            return new(false, next?.ToUniversalTime(), blocked + when);
        }

        var dependencies = DependencyGate.CanRun(target, lastRunOf);
        return dependencies.CanRun ? StartDecision.Go : new(false, null, dependencies.Reason);
    }
}
