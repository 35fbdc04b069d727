namespace Syncplane.Engine.Policies;

/// <summary>
/// Consecutive failures of a target and whether they paused it (<c>pause_after_failures: N</c>).
/// An immutable value: each method returns the next state for the store to keep.
/// </summary>
/// <param name="ConsecutiveFailures">Failed runs since the last success.</param>
/// <param name="PausedReason">Why the target is paused; null when it is not.</param>
internal sealed record FailureStreak(int ConsecutiveFailures = 0, string? PausedReason = null)
{
    /// <summary>No failures, not paused.</summary>
    public static readonly FailureStreak None = new();

    /// <summary>True while paused: the scheduler skips the target until <see cref="Resume"/>.</summary>
    public bool IsPaused => PausedReason is not null;

    /// <summary>
    /// Counts a failed run (after its retries). With <paramref name="pauseAfter"/> set, the N-th
    /// failure in a row pauses the target, naming the count and the last error.
    /// </summary>
    /// <param name="pauseAfter">The threshold; null or 0 never pauses (the default).</param>
    /// <param name="error">The last error's message, for the reason.</param>
    public FailureStreak RecordFailure(int? pauseAfter, string error)
    {
        var failures = ConsecutiveFailures + 1;
        var reason = PausedReason;
        if (reason is null && pauseAfter is > 0 and var n && failures >= n)
        {
            reason = $"paused after {failures} consecutive failures; last error: {error}";
        }

        return new FailureStreak(failures, reason);
    }

    /// <summary>A successful run resets the count (and, if a run got through while paused, the pause).</summary>
    public FailureStreak RecordSuccess() => this with { ConsecutiveFailures = 0, PausedReason = null };

    /// <summary>A person resumed the target: unpaused with a fresh count, so it gets N more tries.</summary>
    public FailureStreak Resume() => this with { ConsecutiveFailures = 0, PausedReason = null };
}
