using System.Data.Common;
using System.Globalization;
using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <summary>How often a statement that a unique key refused (a concurrent writer got there first) is tried in all.</summary>
    private protected const int UniqueViolationTries = 3;

    /// <summary>Wakes this process's waiters after an enqueue or requeue (and on a notification from another process).</summary>
    private protected QueueSignal Signal { get; } = new();

    /// <summary>
    /// Appended to the query that picks the run to claim (PostgreSQL: <c> FOR UPDATE SKIP LOCKED</c>, so
    /// concurrent claimers pass over each other's candidates instead of queueing on them). Empty on SQLite,
    /// whose write transaction already excludes other claimers.
    /// </summary>
    protected virtual string SkipLockedSql => string.Empty;

    private string? _claimUpdateSql;

    /// <summary>The FROM of the claim's candidate query; a dialect may pin the claim-order index here.</summary>
    protected virtual string ClaimCandidatesSql => "runs q";

    /// <summary>True when <paramref name="exception"/> is a unique-constraint violation.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Tells other processes, once a queue change committed, that it did (SQLite: rewrites a watched wake file).</summary>
    protected virtual void QueueChangeCommitted()
    {
    }

    /// <summary>Makes sure notifications from other nodes reach <see cref="Signal"/> (PostgreSQL: a LISTEN connection; SQLite: a file watcher).</summary>
    protected virtual Task EnsureListeningAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<EnqueueResult> EnqueueAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Target);
        ArgumentException.ThrowIfNullOrEmpty(request.Trigger);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = request.Recoverable
            ? await BeginLeaseWriteAsync(connection, cancellationToken)
            : await BeginWriteAsync(connection, cancellationToken);
        var result = await EnqueueAsync(transaction, request, now, cancellationToken);
        await CommitQueueChangeAsync(transaction, cancellationToken);
        return result;
    }

    /// <summary>Queues or coalesces within <paramref name="transaction"/>, with its run.queued event; the caller commits.</summary>
    private async Task<EnqueueResult> EnqueueAsync(DbTransaction transaction, RunRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Insert unless the target has a queued run (the partial unique index says so); then coalesce into it. The
        // insert locks the queued run it meets (PostgreSQL; DO UPDATE ... WHERE false changes nothing): a lock taken by the
        // coalescing SELECT instead would, if a worker claimed the run meanwhile, hold the newer version the worker must
        // complete. The loop is a backstop: the run the insert met is still queued when the coalescing reads it.
        for (var turn = 0; ; turn++)
        {
            await using (var insert = Command(transaction,
                "INSERT INTO runs (target, trigger, triggers, direction, dry_run, attempt, status, priority, not_before, queued_at, outputs_created, trace_parent, resync) " +
                "VALUES (@target, @trigger, @triggers, @direction, @dry_run, 0, 'queued', @priority, @not_before, @now, '[]', @trace_parent, @resync) " +
                "ON CONFLICT (target) WHERE status = 'queued' DO UPDATE SET status = runs.status WHERE false RETURNING id"))
            {
                Add(insert, "@target", request.Target);
                Add(insert, "@trigger", request.Trigger);
                Add(insert, "@triggers", StoreText.ToJsonArray([request.Trigger]));
                Add(insert, "@direction", request.Direction);
                Add(insert, "@dry_run", request.DryRun);
                Add(insert, "@priority", (int)request.Priority);
                Add(insert, "@not_before", ToDbTime(request.NotBefore));
                Add(insert, "@now", ToDbTime(now));
                Add(insert, "@trace_parent", request.TraceParent);
                Add(insert, "@resync", request.Resync);
                if (await insert.ExecuteScalarAsync(cancellationToken) is { } inserted and not DBNull)
                {
                    var id = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
                    await AppendQueuedEventAsync(transaction, id, request, coalesced: false, cancellationToken);
                    return new EnqueueResult(id, Coalesced: false);
                }
            }

            if (await CoalesceAsync(transaction, request, now, cancellationToken) is { } coalesced)
            {
                await AppendQueuedEventAsync(transaction, coalesced, request, coalesced: true, cancellationToken);
                return new EnqueueResult(coalesced, Coalesced: true);
            }

            if (turn == UniqueViolationTries)
            {
                throw new InvalidOperationException($"could not queue a run of target {request.Target}: its queued run kept changing");
            }
        }
    }

    private async Task<long?> CoalesceAsync(DbTransaction transaction, RunRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long id;
        int attempt, priority;
        DateTimeOffset notBefore;
        IReadOnlyList<string> triggers;
        await using (var find = Command(transaction,
            "SELECT id, attempt, priority, not_before, triggers FROM runs WHERE target = @target AND status = 'queued'" + LockRowSql))
        {
            Add(find, "@target", request.Target);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (id, attempt, priority, notBefore, triggers) =
                (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), ReadTime(reader, 3), StoreText.FromJsonArray(reader.GetString(4)));
        }

        // A retry waiting out its backoff is superseded: the new trigger makes a fresh run that re-reads the source.
        var supersede = attempt > 0 && notBefore > now;
        var merged = triggers.Contains(request.Trigger, StringComparer.Ordinal) ? triggers : [.. triggers, request.Trigger];
        var sooner = supersede || request.NotBefore < notBefore;
        // A run due sooner no longer waits for what held it back.
        await using var update = Command(transaction,
            "UPDATE runs SET triggers = @triggers, priority = @priority, not_before = @not_before, attempt = @attempt, " +
            "trigger = CASE WHEN @raise THEN @trigger ELSE trigger END, dry_run = (dry_run AND @dry_run), resync = (resync OR @resync), " +
            "requeue_reason = CASE WHEN @raise THEN NULL ELSE requeue_reason END, trace_parent = COALESCE(trace_parent, @trace_parent), " +
            "wait_reason = CASE WHEN @sooner THEN NULL ELSE wait_reason END, wait_until = CASE WHEN @sooner THEN NULL ELSE wait_until END WHERE id = @id");
        Add(update, "@id", id);
        Add(update, "@triggers", StoreText.ToJsonArray(merged));
        Add(update, "@priority", Math.Max(priority, (int)request.Priority));
        Add(update, "@sooner", sooner);
        Add(update, "@not_before", ToDbTime(sooner ? request.NotBefore : notBefore));
        Add(update, "@attempt", supersede ? 0 : attempt);
        Add(update, "@raise", supersede || (int)request.Priority > priority);
        Add(update, "@trigger", request.Trigger);
        Add(update, "@dry_run", request.DryRun);
        Add(update, "@trace_parent", request.TraceParent);
        Add(update, "@resync", request.Resync);
        await update.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    /// <inheritdoc />
    public async Task<RunLease?> ClaimAsync(string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        for (var turn = 1; ; turn++)
        {
            try
            {
                return await TryClaimAsync(workerId, leaseDuration, Time.GetUtcNow(), cancellationToken);
            }
            catch (DbException ex) when (IsUniqueViolation(ex) && turn < UniqueViolationTries)
            {
                // A run of the candidate's target started meanwhile (runs_one_running_per_target refused the claim): pick again.
            }
        }
    }

    /// <summary>
    /// The claim statement: marks the best claimable run running under a new lease and fence and returns
    /// <c>id, target, fence, attempt, trigger, direction, dry_run, lease_expires_at, trace_parent, resync</c>; parameters
    /// <c>@worker</c>, <c>@expires</c>, <c>@now</c>.
    /// </summary>
    /// <remarks>
    /// The <c>OFFSET 0</c> keeps PostgreSQL from turning the running-run probe into an anti-join, whose plan reads the whole
    /// <c>runs_one_running_per_target</c> index, with the dead entries of every run ended since the last vacuum, on every
    /// claim; as a subplan it looks up the candidate's target (two index pages).
    /// </remarks>
    private protected string ClaimUpdateSql => _claimUpdateSql ??= // built once: it runs for every run
        "UPDATE runs SET status = 'running', attempt = attempt + 1, fence = fence + 1, worker_id = @worker, " +
        "lease_expires_at = @expires, started_at = @now, requeue_reason = NULL " +
        "WHERE status = 'queued' AND id = (SELECT q.id FROM " + ClaimCandidatesSql + " WHERE q.status = 'queued' AND q.not_before <= @now " +
        "AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.target = q.target AND r.status = 'running' LIMIT 1 OFFSET 0) " +
        "ORDER BY q.priority DESC, q.not_before, q.id LIMIT 1" + SkipLockedSql + ") " +
        "RETURNING id, target, fence, attempt, trigger, direction, dry_run, lease_expires_at, trace_parent, resync";

    /// <summary>How many columns <see cref="ClaimUpdateSql"/> returns.</summary>
    private protected const int LeaseColumns = 10;

    /// <summary>Reads <see cref="ClaimUpdateSql"/>'s columns, from <paramref name="first"/> on.</summary>
    private protected RunLease ReadLease(DbDataReader reader, int first = 0) =>
        new(reader.GetInt64(first), reader.GetString(first + 1), reader.GetInt64(first + 2), reader.GetInt32(first + 3), reader.GetString(first + 4),
            reader.GetString(first + 5), reader.GetBoolean(first + 6), ReadTime(reader, first + 7))
        {
            TraceParent = reader.IsDBNull(first + 8) ? null : reader.GetString(first + 8),
            Resync = reader.GetBoolean(first + 9),
        };

    /// <summary>
    /// One claim attempt at <paramref name="now"/>, with its run.started event, committed; null when nothing is claimable.
    /// A dialect may do it in fewer round trips (PostgreSQL: one statement).
    /// </summary>
    private protected virtual async Task<RunLease?> TryClaimAsync(string workerId, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginLeaseWriteAsync(connection, cancellationToken);
        var lease = await ClaimAsync(transaction, workerId, leaseDuration, now, cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
        return lease;
    }

    /// <summary>One claim attempt within <paramref name="transaction"/>, with its run.started event; the caller commits.</summary>
    private async Task<RunLease?> ClaimAsync(DbTransaction transaction, string workerId, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var claim = Command(transaction, ClaimUpdateSql);
        Add(claim, "@worker", workerId);
        Add(claim, "@expires", ToDbTime(now + leaseDuration));
        Add(claim, "@now", ToDbTime(now));
        RunLease? lease = null;
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                lease = ReadLease(reader);
            }
        }

        if (lease is not null)
        {
            await AppendEventAsync(transaction, new NewEvent(EventTypes.RunStarted, lease.Target, lease.RunId,
                RunData(lease.RunId, lease.Target, ("attempt", lease.Attempt), ("trigger", lease.Trigger), ("worker", workerId))), cancellationToken);
        }

        return lease;
    }

    private Task<SyncEvent> AppendQueuedEventAsync(DbTransaction transaction, long runId, RunRequest request, bool coalesced, CancellationToken cancellationToken) =>
        AppendEventAsync(transaction, new NewEvent(EventTypes.RunQueued, request.Target, runId, RunData(runId, request.Target,
            ("trigger", request.Trigger), ("priority", StoreText.From(request.Priority)), ("coalesced", coalesced), ("not_before", request.NotBefore.UtcDateTime))), cancellationToken);

    /// <inheritdoc />
    public async Task<(bool Completed, RunLease? Next)> CompleteAndClaimAsync(
        long runId, RunCompletion completion, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        if (completion.Fence is null)
        {
            throw new ArgumentException("only a leased run (a completion with a fence) hands its worker the next run", nameof(completion));
        }

        ThrowIfNotAnEnd(completion);
        return await CompleteLeasedAndClaimAsync(runId, completion, workerId, leaseDuration, cancellationToken);
    }

    /// <summary>
    /// The completion, then the claim, in one write transaction (one commit); a dialect may do both in one round trip
    /// (PostgreSQL: one statement). The claim sees the run as ended, so it may take a queued run of the same target.
    /// </summary>
    private protected virtual async Task<(bool Completed, RunLease? Next)> CompleteLeasedAndClaimAsync(
        long runId, RunCompletion completion, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginLeaseWriteAsync(connection, cancellationToken);
        var completed = await CompleteAsync(transaction, runId, completion, cancellationToken);
        var next = await ClaimAsync(transaction, workerId, leaseDuration, Time.GetUtcNow(), cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
        return (completed, next);
    }

    /// <inheritdoc />
    public async Task<bool> RenewLeaseAsync(long runId, long fence, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var renew = Command(transaction,
            "UPDATE runs SET lease_expires_at = @expires WHERE id = @id AND fence = @fence AND status = 'running'");
        Add(renew, "@id", runId);
        Add(renew, "@fence", fence);
        Add(renew, "@expires", ToDbTime(Time.GetUtcNow() + leaseDuration));
        var renewed = await renew.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return renewed;
    }

    /// <inheritdoc />
    public virtual Task PrepareQueueAsync(string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<int> CountQueuedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var count = Command(connection, "SELECT COUNT(*) FROM runs WHERE status = 'queued' AND not_before <= @now");
        Add(count, "@now", ToDbTime(Time.GetUtcNow()));
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken) => WaitForSignalAsync(Signal, maxWait, cancellationToken);

    // Returns at the signal's next pulse or after maxWait. Listening (PostgreSQL) starts on first use; while the
    // database is unreachable that must not stretch the wait.
    private async Task WaitForSignalAsync(QueueSignal signal, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        var listening = EnsureListeningAsync(cancellationToken);
        if (!listening.IsCompleted)
        {
            using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(listening, Task.Delay(maxWait, Time, stopDelay.Token));
            await stopDelay.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        var left = maxWait == Timeout.InfiniteTimeSpan ? maxWait : maxWait - Time.GetElapsedTime(started);
        await signal.WaitAsync(left < TimeSpan.Zero ? TimeSpan.Zero : left, Time, cancellationToken);
    }

    /// <summary>Commits, then wakes this process's waiters and tells other processes (PostgreSQL: the runs table's trigger notifies on commit).</summary>
    private protected async Task CommitQueueChangeAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await CommitWithEventsAsync(transaction, cancellationToken);
        QueueChanged();
    }

    /// <summary>What <see cref="CommitQueueChangeAsync"/> does after the events once the change committed.</summary>
    private protected void QueueChanged()
    {
        Signal.Pulse();
        QueueChangeCommitted();
    }
}
