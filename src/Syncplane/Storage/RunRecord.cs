using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Storage;

/// <summary>Where a run is in its life; stored as lowercase text.</summary>
public enum RunStatus
{
    /// <summary>Waiting for a worker (the durable queue).</summary>
    Queued,

    /// <summary>A worker is running it.</summary>
    Running,

    /// <summary>Finished; the destination matches the source.</summary>
    Succeeded,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>A safety gate stopped the run before it wrote anything.</summary>
    Refused,

    /// <summary>Stopped before it finished, by a user or a shutdown.</summary>
    Cancelled,
}

/// <summary>What is known when a run starts.</summary>
/// <param name="Target">Target name.</param>
/// <param name="Trigger">What started it: cli, schedule, webhook, manual, retry.</param>
/// <param name="Direction">pull, push or bidirectional.</param>
/// <param name="DryRun">True when the run only plans.</param>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="Owner">Who runs it (recorded as the run's worker), so a run whose process died can be recognised.</param>
/// <param name="Lease">When set, the run holds a lease (fence 0) that its owner renews; if it lapses, lease recovery re-queues the run.</param>
public sealed record NewRun(string Target, string Trigger, string Direction, bool DryRun, int Attempt = 1, string? Owner = null, TimeSpan? Lease = null);

/// <summary>What is known when a run ends.</summary>
public sealed record RunCompletion
{
    /// <summary>How it ended: succeeded, failed, refused or cancelled.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>One line for humans: what happened or why it failed.</summary>
    public required string Message { get; init; }

    /// <summary>The plan's counters, when a plan was made.</summary>
    public PlanSummary? Summary { get; init; }

    /// <summary>The source's revision (git commit SHA), when it has one.</summary>
    public string? SourceRevision { get; init; }

    /// <summary>Null when no verification ran.</summary>
    public bool? VerificationPassed { get; init; }

    /// <summary>Files a command target produced (its <c>outputs</c> globs).</summary>
    public IReadOnlyList<string> OutputsCreated { get; init; } = [];

    /// <summary>The commit the git step made on the destination, if any.</summary>
    public string? CommitSha { get; init; }

    /// <summary>
    /// What a successful run synced: the git source's commit SHA, else the commit the git step made, else a content
    /// hash (see <c>RunRevision</c>). Sent in the run's end event for notifiers; not a column.
    /// </summary>
    public string? Revision { get; init; }

    /// <summary>True when a successful real run wrote, deleted or committed something (the <c>changed</c> of notifiers). Event only.</summary>
    public bool Changed { get; init; }

    /// <summary>Log lines of the attempt, appended to the run's log in the same transaction as its end.</summary>
    public IReadOnlyList<LogLine> Log { get; init; } = [];

    /// <summary>
    /// The fencing token of the worker's lease (<see cref="RunLease.Fence"/>): when set, the run is recorded
    /// only while it is still running under this fence. Null for a run started directly (<see cref="ISyncStore.StartRunAsync"/>).
    /// </summary>
    public long? Fence { get; init; }
}

/// <summary>One run as stored.</summary>
public sealed record RunRecord
{
    /// <summary>Unique, increasing: a later run has a larger id.</summary>
    public required long Id { get; init; }

    public required string Target { get; init; }

    public required string Trigger { get; init; }

    public required string Direction { get; init; }

    public required bool DryRun { get; init; }

    /// <summary>Attempts made so far: 0 while a fresh run waits in the queue, 1 once first claimed or started.</summary>
    public required int Attempt { get; init; }

    public required RunStatus Status { get; init; }

    /// <summary>When it was queued (for a run started directly, when it started); UTC.</summary>
    public required DateTimeOffset QueuedAt { get; init; }

    /// <summary>When a worker last started it; null until the first attempt.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended; null while queued or running.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    public string? Message { get; init; }

    public PlanSummary? Summary { get; init; }

    public string? SourceRevision { get; init; }

    public bool? VerificationPassed { get; init; }

    public IReadOnlyList<string> OutputsCreated { get; init; } = [];

    public string? CommitSha { get; init; }

    /// <summary>Queue priority (<see cref="RunPriority"/>).</summary>
    public RunPriority Priority { get; init; }

    /// <summary>Not claimable before this instant; null for a run started directly.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Every distinct trigger coalesced into this run, in order of arrival.</summary>
    public IReadOnlyList<string> Triggers { get; init; } = [];

    /// <summary>The fencing token of the current (or last) lease; 0 before the first claim.</summary>
    public long Fence { get; init; }

    /// <summary>The worker (or <c>syncplane run</c> process) that holds or last held the run.</summary>
    public string? WorkerId { get; init; }

    /// <summary>From start to finish, once finished.</summary>
    public TimeSpan? Duration => StartedAt is { } s && FinishedAt is { } f ? f - s : null;
}

/// <summary>Filters for listing runs, newest first.</summary>
/// <param name="Target">Only this target's runs.</param>
/// <param name="Status">Only runs in this status.</param>
/// <param name="Since">Only runs queued at or after this instant.</param>
/// <param name="Limit">At most this many runs (at least 1).</param>
/// <param name="BeforeId">Only runs with a smaller id: pass the last id of a page to get the next page.</param>
public sealed record RunQuery(string? Target = null, RunStatus? Status = null, DateTimeOffset? Since = null, int Limit = 50, long? BeforeId = null)
{
    /// <summary>Only runs of these targets (a project's); null for any target, empty for none.</summary>
    public IReadOnlyCollection<string>? AnyOfTargets { get; init; }
}
