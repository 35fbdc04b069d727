namespace Syncplane.Engine.Policies;

/// <summary>The state of a dependency's newest run, as the store knows it.</summary>
internal enum DependencyRunState
{
    /// <summary>The dependency has never run.</summary>
    None,

    /// <summary>Its newest run is queued, retrying or running.</summary>
    Pending,

    /// <summary>Its newest run succeeded.</summary>
    Succeeded,

    /// <summary>Its newest run failed (or was dead-lettered or cancelled).</summary>
    Failed,
}

/// <summary>Whether a target may start now given its dependencies, and which ones hold it back.</summary>
/// <param name="CanRun">True when every dependency's newest run succeeded.</param>
/// <param name="WaitingFor">The dependencies that block, each with why (empty when <paramref name="CanRun"/>).</param>
internal sealed record DependencyDecision(bool CanRun, IReadOnlyList<string> WaitingFor)
{
    /// <summary>A sentence for the run record, e.g. "waiting for lz-docs (newest run failed)".</summary>
    public string Reason => CanRun ? "all dependencies succeeded" : "waiting for " + string.Join(", ", WaitingFor);
}

/// <summary>The <c>depends_on</c> rule: a run waits until the newest run of each dependency has succeeded.</summary>
/// <remarks>
/// A dependency that never ran, or whose newest run is still pending, holds its dependants back; so
/// does one whose newest run failed, until it is fixed and succeeds (a failing upstream never feeds
/// stale input into the targets after it). Cycles cannot occur: config validation rejects them.
/// </remarks>
internal static class DependencyGate
{
    /// <summary>Decides for <paramref name="target"/>'s <c>depends_on</c>.</summary>
    public static DependencyDecision CanRun(Config.TargetConfig target, Func<string, DependencyRunState> lastRunOf)
    {
        ArgumentNullException.ThrowIfNull(target);
        return CanRun(target.DependsOn, lastRunOf);
    }

    /// <summary>Decides for a target with <paramref name="dependsOn"/>, looking up each dependency's newest run with <paramref name="lastRunOf"/>.</summary>
    public static DependencyDecision CanRun(IReadOnlyList<string> dependsOn, Func<string, DependencyRunState> lastRunOf)
    {
        ArgumentNullException.ThrowIfNull(dependsOn);
        ArgumentNullException.ThrowIfNull(lastRunOf);
        var waiting = new List<string>();
        foreach (var dependency in dependsOn)
        {
            var state = lastRunOf(dependency);
            if (state != DependencyRunState.Succeeded)
            {
                waiting.Add(state switch
                {
                    DependencyRunState.None => $"{dependency} (never ran)",
                    DependencyRunState.Pending => $"{dependency} (newest run not finished)",
                    _ => $"{dependency} (newest run failed)",
                });
            }
        }

        return new DependencyDecision(waiting.Count == 0, waiting);
    }
}
