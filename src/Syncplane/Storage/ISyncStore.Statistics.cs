namespace Syncplane.Storage;

/// <summary>Aggregates over runs and the queue for <c>/metrics</c> and the overview (issue 4).</summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Finished runs per target and status (with the sum of their durations), queued at or after
    /// <paramref name="since"/> when given, and the queue: how many runs are due and since when the oldest waits.
    /// </summary>
    Task<RunStatistics> GetRunStatisticsAsync(DateTimeOffset? since, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ISyncStore.GetRunStatisticsAsync"/> found.</summary>
/// <param name="Groups">One entry per (target, status) with at least one run; queued and running runs included.</param>
/// <param name="QueueDepth">Queued runs that are due now.</param>
/// <param name="OldestDueAt">The not-before of the oldest due queued run; null when none is due.</param>
public sealed record RunStatistics(IReadOnlyList<RunGroupStatistics> Groups, int QueueDepth, DateTimeOffset? OldestDueAt);

/// <summary>Runs of one target in one status.</summary>
/// <param name="Target">Target name.</param>
/// <param name="Status">Their status.</param>
/// <param name="Count">How many.</param>
/// <param name="DurationSeconds">The sum of their durations (start to finish) in seconds; 0 for unfinished runs.</param>
/// <param name="TimedCount">How many of them have a duration.</param>
public sealed record RunGroupStatistics(string Target, RunStatus Status, long Count, double DurationSeconds, long TimedCount);
