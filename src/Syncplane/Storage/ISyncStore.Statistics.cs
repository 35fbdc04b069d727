namespace Syncplane.Storage;

/// <summary>Aggregates over runs and the queue for <c>/metrics</c> and the overview (issue 4).</summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Runs per target and status, and each target's summed run durations: finished runs from the hourly rollups
    /// (from the hour that contains <paramref name="since"/> when given, else all time from each target's total, so pruning
    /// history changes no count), queued and running ones (queued at or after <paramref name="since"/>) from the runs;
    /// and the queue: how many runs are due and since when the oldest waits.
    /// </summary>
    Task<RunStatistics> GetRunStatisticsAsync(DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>
    /// What a <c>/metrics</c> snapshot reads: <see cref="GetRunStatisticsAsync"/> of all time and <see cref="ListTargetFactsAsync"/>
    /// of every target (no window), after one fold and on one connection.
    /// </summary>
    Task<RunSnapshot> ReadRunSnapshotAsync(CancellationToken cancellationToken);
}

/// <summary>What <see cref="ISyncStore.ReadRunSnapshotAsync"/> found.</summary>
/// <param name="Statistics">As <see cref="ISyncStore.GetRunStatisticsAsync"/> without a start.</param>
/// <param name="Facts">As <see cref="ISyncStore.ListTargetFactsAsync"/> for every target, without a window.</param>
public sealed record RunSnapshot(RunStatistics Statistics, IReadOnlyDictionary<string, Rollups.TargetFacts> Facts);

/// <summary>What <see cref="ISyncStore.GetRunStatisticsAsync"/> found.</summary>
/// <param name="Groups">One entry per (target, status) with at least one run; queued and running runs included.</param>
/// <param name="Durations">One entry per target with finished runs that started.</param>
/// <param name="QueueDepth">Queued runs that are due now.</param>
/// <param name="OldestDueAt">The not-before of the oldest due queued run; null when none is due.</param>
public sealed record RunStatistics(IReadOnlyList<RunGroupStatistics> Groups, IReadOnlyList<RunDurationStatistics> Durations, int QueueDepth, DateTimeOffset? OldestDueAt);

/// <summary>Runs of one target in one status.</summary>
/// <param name="Target">Target name.</param>
/// <param name="Status">Their status.</param>
/// <param name="Count">How many.</param>
public sealed record RunGroupStatistics(string Target, RunStatus Status, long Count);

/// <summary>The finished runs of one target that started.</summary>
/// <param name="Target">Target name.</param>
/// <param name="Seconds">The sum of their durations (start to finish) in seconds.</param>
/// <param name="Count">How many.</param>
public sealed record RunDurationStatistics(string Target, double Seconds, long Count);
