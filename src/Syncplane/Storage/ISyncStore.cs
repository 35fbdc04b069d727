using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Storage;

/// <summary>
/// The only door to persistent state. Implementations: SQLite (embedded default) and PostgreSQL.
/// All methods are safe to call from several threads; each call is its own short transaction.
/// </summary>
public partial interface ISyncStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema (versioned migrations); idempotent.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Records a run that starts now, in <see cref="RunStatus.Running"/>, outside the queue; returns its id.</summary>
    /// <exception cref="TargetAlreadyRunningException">The target already has a running run (at most one per target: a unique index decides, so of two racing starts one wins).</exception>
    Task<long> StartRunAsync(NewRun run, CancellationToken cancellationToken);

    /// <summary>Appends lines to a run's log, after any lines appended before; order is kept.</summary>
    /// <exception cref="KeyNotFoundException">No run has this id.</exception>
    Task AppendLogAsync(long runId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken);

    /// <summary>
    /// Records how a run ended, finished now. With a <see cref="RunCompletion.Fence"/>, only while the run is
    /// still running under that fence: false (and nothing written) when the lease was lost to a newer attempt.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No run has this id.</exception>
    /// <exception cref="ArgumentException">The status is queued or running, which are not endings.</exception>
    Task<bool> CompleteRunAsync(long runId, RunCompletion completion, CancellationToken cancellationToken);

    /// <summary>One run, or null when no run has this id.</summary>
    Task<RunRecord?> GetRunAsync(long runId, CancellationToken cancellationToken);

    /// <summary>Runs matching <paramref name="query"/>, newest (highest id) first.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>A run's log in the order it was appended; empty for an unknown run.</summary>
    Task<IReadOnlyList<LogLine>> GetLogAsync(long runId, CancellationToken cancellationToken);

    /// <summary>The last synced state of one side of a target ("source" or "destination"), key → item.</summary>
    Task<IReadOnlyDictionary<string, Item>> GetItemIndexAsync(string target, string side, CancellationToken cancellationToken);

    /// <summary>Upserts and deletes index entries in one transaction.</summary>
    Task UpdateItemIndexAsync(string target, string side, IReadOnlyCollection<Item> upserts, IReadOnlyCollection<string> deletes, CancellationToken cancellationToken);
}
