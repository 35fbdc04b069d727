namespace Syncplane.Storage;

/// <summary>What the scheduler and the telemetry API need from the store (issue 3).</summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Takes or renews the named lease (e.g. "scheduler") for <paramref name="holder"/>: succeeds when it is
    /// free, expired, or already held by <paramref name="holder"/>.
    /// </summary>
    Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="target"/> fired for schedule slot <paramref name="slot"/>; false when that (target, slot) was already recorded.</summary>
    Task<bool> RecordFiringAsync(string target, DateTimeOffset slot, CancellationToken cancellationToken);

    /// <summary>The latest recorded slot per target.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastFiringsAsync(CancellationToken cancellationToken);

    /// <summary>Runtime settings and telemetry of every target that has any (derived from runs plus stored settings).</summary>
    Task<IReadOnlyList<TargetState>> ListTargetStatesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The runtime settings of every target that has any, without the telemetry <see cref="ListTargetStatesAsync"/>
    /// derives from every run: what the scheduler re-reads on each refresh.
    /// </summary>
    Task<IReadOnlyList<TargetSettings>> ListTargetSettingsAsync(CancellationToken cancellationToken);

    /// <summary>One target's runtime settings and telemetry, as <see cref="ListTargetStatesAsync"/> has them; null when it has neither runs nor settings.</summary>
    Task<TargetState?> GetTargetStateAsync(string target, CancellationToken cancellationToken);

    /// <summary>Stores a runtime frequency that overrides the config file's schedule (null clears it).</summary>
    Task SetFrequencyOverrideAsync(string target, string? schedule, CancellationToken cancellationToken);

    /// <summary>Pauses a target with a reason, or resumes it (null).</summary>
    Task SetPausedAsync(string target, string? reason, CancellationToken cancellationToken);
}

/// <summary>A target's settings made at run time (API, dashboard, CLI, pause_after_failures).</summary>
/// <param name="Target">The target's name.</param>
/// <param name="FrequencyOverride">The schedule that replaces the config file's; null when none.</param>
/// <param name="PausedReason">Why the target is paused; null when it is not.</param>
public sealed record TargetSettings(string Target, string? FrequencyOverride, string? PausedReason);

/// <summary>Seed 003's per-target telemetry, and more.</summary>
public sealed record TargetState
{
    public required string Target { get; init; }

    /// <summary>idle, queued, syncing, waiting, retrying or error (see <see cref="ISyncStore.ListTargetStatesAsync"/>).</summary>
    public required string Status { get; init; }

    /// <summary>The run that is queued or running now (the running one when both); null when none is.</summary>
    public CurrentRun? Current { get; init; }

    public string? FrequencyOverride { get; init; }

    public string? PausedReason { get; init; }

    /// <summary>Finished runs (queued and running ones are not counted).</summary>
    public int TotalRuns { get; init; }

    /// <summary>Succeeded runs, not dry runs, with creates + updates + deletes &gt; 0.</summary>
    public int RunsWithChanges { get; init; }

    public DateTimeOffset? LastAttemptedAt { get; init; }

    public DateTimeOffset? LastCompletedAt { get; init; }

    public DateTimeOffset? LastChangedAt { get; init; }

    /// <summary>When the latest good run (<see cref="LastGoodRunId"/>) finished.</summary>
    public DateTimeOffset? LastSucceededAt { get; init; }

    /// <summary>The latest succeeded run that was not a dry run.</summary>
    public long? LastGoodRunId { get; init; }

    /// <summary>The message of the latest failed run, even when a later run succeeded.</summary>
    public string? LastError { get; init; }

    /// <summary>When the latest failed run (<see cref="LastError"/>) finished.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>The latest failed run.</summary>
    public long? LastFailedRunId { get; init; }

    /// <summary>The error of the latest failed attempt that was retried (of any run, finished or not), kept as history.</summary>
    public string? LastAttemptError { get; init; }

    /// <summary>When that attempt failed.</summary>
    public DateTimeOffset? LastAttemptErrorAt { get; init; }

    /// <summary>Failed runs since the last good run (refused and cancelled runs neither count nor reset it).</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>The latest finished run, whatever its outcome (a refused run with its reason too).</summary>
    public FinishedRun? LastFinishedRun { get; init; }

    /// <summary>The run that is queued or running now (see <see cref="Current"/>).</summary>
    public long? CurrentRunId { get; init; }
}

/// <summary>A finished run as a target's state shows it.</summary>
/// <param name="Id">The run.</param>
/// <param name="Status">succeeded, failed, refused or cancelled.</param>
/// <param name="Message">Its message: the error, or why it was refused.</param>
/// <param name="FinishedAt">When it finished.</param>
public sealed record FinishedRun(long Id, string Status, string? Message, DateTimeOffset? FinishedAt);

/// <summary>The run of a target that is queued or running now, as status shows it.</summary>
/// <param name="Status">syncing, waiting (running and waiting in place, or queued and held back), retrying (queued after a failed attempt) or queued.</param>
/// <param name="Attempt">The attempt running now, or the one to come for a queued run.</param>
/// <param name="NextAttemptAt">When a retrying run is due.</param>
/// <param name="AttemptError">The error of its latest failed attempt, when one failed (a run that superseded a retry keeps it).</param>
/// <param name="AttemptErrorAt">When that attempt failed.</param>
/// <param name="WaitReason">What a waiting run waits for.</param>
/// <param name="WaitUntil">Until when a waiting run waits.</param>
public sealed record CurrentRun(
    string Status, int Attempt, DateTimeOffset? NextAttemptAt, string? AttemptError, DateTimeOffset? AttemptErrorAt, string? WaitReason, DateTimeOffset? WaitUntil);
