using Syncplane.Storage.Rollups;

namespace Syncplane.Storage;

/// <summary>
/// Rollups (issue 15): runs per target and check results per check, counted per UTC hour and day as they finish,
/// kept after retention prunes the rows they count. Analytics, <c>/metrics</c>, the overview, exports, reports and
/// alert rules read these instead of the history.
/// </summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Run rollups of the periods that start in [<see cref="RollupQuery.From"/>, <see cref="RollupQuery.To"/>), oldest first:
    /// one target's, every target's summed per period (counts and maxima, no percentiles), or (with <see cref="RollupQuery.PerTarget"/>)
    /// one row per target and period.
    /// </summary>
    Task<IReadOnlyList<RunRollup>> ReadRunRollupsAsync(RollupQuery query, CancellationToken cancellationToken);

    /// <summary>Check rollups, as <see cref="ReadRunRollupsAsync"/> (<see cref="RollupQuery.Subject"/> names a check).</summary>
    Task<IReadOnlyList<CheckRollup>> ReadCheckRollupsAsync(RollupQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The query interface for alert rules: one target's runs (every target's when null) over the hours that start in
    /// [<paramref name="windowStart"/>, <paramref name="windowEnd"/>), merged into one rollup; its freshness is measured at <paramref name="windowEnd"/>.
    /// </summary>
    Task<RunRollup> SummarizeRunsAsync(string? target, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken);

    /// <summary>
    /// Facts about every target that has finished or active runs (only <paramref name="target"/> when set), read from its
    /// <c>total</c> rollup and index seeks on its latest runs, never a scan of the history. With <paramref name="windowStart"/>,
    /// the succeeded and failed runs that finished since then are counted from hour rollups (the first, partial hour from the runs).
    /// </summary>
    Task<IReadOnlyDictionary<string, TargetFacts>> ListTargetFactsAsync(string? target, DateTimeOffset? windowStart, CancellationToken cancellationToken);

    /// <summary>
    /// Adds finished runs not yet counted to the run rollups, once each, and returns how many (see <c>RollupFolding</c>).
    /// Every read of run rollups does it first, so callers need it only to keep the backlog short; several nodes may fold at once.
    /// </summary>
    Task<long> FoldRunRollupsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes raw rows older than the policy keeps them (see <see cref="RetentionPolicy"/>); rollups stay.</summary>
    Task<PruneResult> PruneAsync(RetentionPolicy policy, CancellationToken cancellationToken);
}
