namespace Syncplane.Storage;

/// <summary>
/// The durable run queue (issue 3). A queued run is a row in <c>runs</c> with status queued; workers claim
/// it under a lease and a fencing token. No method keeps a transaction open after it returns.
/// </summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Queues a run, or coalesces into the target's queued run: the trigger is appended to that run's
    /// triggers, its priority raised and its not-before lowered to the request's. A queued run that is
    /// waiting out a retry backoff is superseded: it becomes a fresh run (attempt count reset) due at the
    /// request's not-before, so a failing revision never blocks a fixed one.
    /// </summary>
    Task<EnqueueResult> EnqueueAsync(RunRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the best queued run (highest priority, then earliest not-before, then id) whose not-before
    /// has passed and whose target has no running run; marks it running with a new fencing token, counts
    /// the attempt and sets the lease. Null when nothing is claimable.
    /// </summary>
    Task<RunLease?> ClaimAsync(string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Completes a leased run as <see cref="ISyncStore.CompleteRunAsync"/> does (the completion must carry the
    /// lease's fence) and claims the next run for the same worker as <see cref="ClaimAsync"/> does, in one
    /// round trip where the store can: how a worker with a freed slot goes on. Completed is false when the
    /// fence no longer matches; the claim happens either way.
    /// </summary>
    Task<(bool Completed, RunLease? Next)> CompleteAndClaimAsync(long runId, RunCompletion completion, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Extends a lease; false when the fence no longer matches (the lease expired and was taken over).</summary>
    Task<bool> RenewLeaseAsync(long runId, long fence, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a running run back in the queue, due at <paramref name="notBefore"/> (a retry after backoff, a
    /// rate-limit postponement, or a release on graceful shutdown). When <paramref name="countAttempt"/> is
    /// false the attempt just made does not count. False when the fence no longer matches.
    /// </summary>
    /// <param name="attemptError">
    /// For a retry (<paramref name="countAttempt"/>): the failed attempt's error, kept with the run (and its time) until
    /// it ends, so status shows why it is retrying. A run put back without counting the attempt waits instead: the
    /// reason and <paramref name="notBefore"/> are kept as what it waits for.
    /// </param>
    /// <remarks>
    /// When a trigger queued a newer run of the target meanwhile, that run (which re-reads the source)
    /// supersedes this one: this run ends, failed when the attempt counts and cancelled otherwise, with a
    /// message naming the newer run; the result is still true.
    /// </remarks>
    Task<bool> RequeueAsync(long runId, long fence, DateTimeOffset notBefore, string reason, bool countAttempt, string? attemptError, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a running run waits in place until <paramref name="until"/> (for a rate-limit token or an
    /// upstream's <c>Retry-After</c>), with the log lines written so far, and appends a <c>run.waiting</c> event:
    /// status shows it as waiting, and its log says why, at once rather than when the run ends.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No run has this id.</exception>
    Task RecordWaitAsync(long runId, string reason, DateTimeOffset until, IReadOnlyList<Engine.LogLine> lines, CancellationToken cancellationToken);

    /// <summary>
    /// Returns running runs whose lease expired to the queue (attempt stays counted; the fence moves on), due
    /// now; a run whose target has a newer queued run ends as failed instead. Returns how many were handled.
    /// </summary>
    Task<int> RecoverExpiredLeasesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Readies the queue's statements for a worker that is about to claim, changing nothing, so that its first runs start
    /// as fast as its later ones (PostgreSQL: prepares the claim and completion statements; SQLite: nothing to do).
    /// </summary>
    Task PrepareQueueAsync(string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>How many runs are queued and due now, for metrics and wake-ups.</summary>
    Task<int> CountQueuedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Returns when work may have been queued (PostgreSQL: a <c>NOTIFY syncplane_queue</c> from any node;
    /// SQLite: an enqueue or requeue by any process on the file, through its wake files) or after
    /// <paramref name="maxWait"/>, whichever comes first. The first wait may return at once: it starts listening.
    /// </summary>
    /// <remarks>A hint to stop idling, not a promise: claim afterwards, and poll with a bounded wait anyway.</remarks>
    Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken);
}

/// <summary>Queue priority: manual "sync now" jumps ahead of scheduled work.</summary>
public enum RunPriority
{
    Scheduled = 0,
    Event = 5,
    Manual = 10,
}

/// <summary>A request to run a target.</summary>
/// <param name="Target">Target name.</param>
/// <param name="Trigger">What asked: schedule, webhook, manual, cli, retry.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="NotBefore">Not claimable before this instant.</param>
/// <param name="Direction">pull, push or bidirectional.</param>
/// <param name="DryRun">Plan only.</param>
public sealed record RunRequest(string Target, string Trigger, RunPriority Priority, DateTimeOffset NotBefore, string Direction = "pull", bool DryRun = false)
{
    /// <summary>
    /// The W3C traceparent of the span that asks (a webhook delivery), kept with the queued run so that its span links
    /// to it wherever it runs; a request that coalesces into a run that has one leaves it. Null when not traced.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>A bidirectional target's run that resyncs (<c>--resync</c>); a request that coalesces into a queued run makes it resync.</summary>
    public bool Resync { get; init; }

    /// <summary>
    /// Losing the request to a power cut loses nothing, because what it asks for happens anyway: a watcher's request,
    /// whose changes the full walk after a restart reads. SQLite commits it without an fsync (as a claim), so the
    /// watched change does not wait for the disk, nor for the writeback of other files the disk is busy with.
    /// </summary>
    public bool Recoverable { get; init; }
}

/// <summary>The queued run a request ended up in.</summary>
public sealed record EnqueueResult(long RunId, bool Coalesced);

/// <summary>A claimed run: the worker must renew before <see cref="LeaseExpiresAt"/> and present <see cref="Fence"/> on every write.</summary>
public sealed record RunLease(long RunId, string Target, long Fence, int Attempt, string Trigger, string Direction, bool DryRun, DateTimeOffset LeaseExpiresAt)
{
    /// <summary>The traceparent stored with the run when it was queued (<see cref="RunRequest.TraceParent"/>).</summary>
    public string? TraceParent { get; init; }

    /// <summary>The run resyncs (<see cref="RunRequest.Resync"/>).</summary>
    public bool Resync { get; init; }
}
