using System.Data.Common;
using System.Globalization;
using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task<bool> RequeueAsync(long runId, long fence, DateTimeOffset notBefore, string reason, bool countAttempt, string? attemptError, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        for (var turn = 1; ; turn++)
        {
            try
            {
                return await TryRequeueAsync(runId, fence, notBefore, reason, countAttempt, attemptError, cancellationToken);
            }
            catch (DbException ex) when (IsUniqueViolation(ex) && turn < UniqueViolationTries)
            {
                // A trigger queued a run of the target meanwhile (PostgreSQL): the next turn sees it and yields to it.
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> RecoverExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        for (var turn = 1; ; turn++)
        {
            try
            {
                return await TryRecoverExpiredLeasesAsync(cancellationToken);
            }
            catch (DbException ex) when (IsUniqueViolation(ex) && turn < UniqueViolationTries)
            {
                // As in RequeueAsync: a run of the target was queued meanwhile.
            }
        }
    }

    private async Task<bool> TryRequeueAsync(long runId, long fence, DateTimeOffset notBefore, string reason, bool countAttempt, string? attemptError, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        string target;
        await using (var find = Command(transaction, "SELECT target FROM runs WHERE id = @id AND fence = @fence AND status = 'running'" + LockRowSql))
        {
            Add(find, "@id", runId);
            Add(find, "@fence", fence);
            if (await find.ExecuteScalarAsync(cancellationToken) is not string found)
            {
                return false;
            }

            target = found;
        }

        if (await FindQueuedAsync(transaction, target, cancellationToken) is { } newer)
        {
            // A trigger arrived while this run ran: its queued run re-reads the source, so it supersedes this one.
            await EndSupersededAsync(transaction, runId, target, countAttempt ? RunStatus.Failed : RunStatus.Cancelled, $"{reason}; superseded by queued run {newer}", cancellationToken);
        }
        else
        {
            // A retry keeps its attempt's error and waits for nothing else; a run put back without a failure waits for 'reason'.
            await using var requeue = Command(transaction,
                "UPDATE runs SET status = 'queued', not_before = @not_before, requeue_reason = @reason, worker_id = NULL, lease_expires_at = NULL, " +
                "attempt = CASE WHEN @count THEN attempt ELSE attempt - 1 END, " +
                "attempt_error = CASE WHEN @count THEN @error ELSE attempt_error END, attempt_error_at = CASE WHEN @count THEN @now ELSE attempt_error_at END, " +
                "wait_reason = CASE WHEN @count THEN NULL ELSE @reason END, wait_until = CASE WHEN @count THEN NULL ELSE @not_before END WHERE id = @id");
            Add(requeue, "@id", runId);
            Add(requeue, "@not_before", ToDbTime(notBefore));
            Add(requeue, "@reason", reason);
            Add(requeue, "@count", countAttempt);
            Add(requeue, "@error", attemptError ?? reason);
            Add(requeue, "@now", ToDbTime(Time.GetUtcNow()));
            await requeue.ExecuteNonQueryAsync(cancellationToken);
            await AppendEventAsync(transaction, new NewEvent(EventTypes.RunRequeued, target, runId, RunData(runId, target,
                ("reason", reason), ("attempt_counted", countAttempt), ("not_before", notBefore.UtcDateTime))), cancellationToken);
        }

        await CommitQueueChangeAsync(transaction, cancellationToken);
        return true;
    }

    private async Task<int> TryRecoverExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var expired = new List<(long Id, string Target, string? Worker)>();
        await using (var find = Command(transaction,
            "SELECT id, target, worker_id FROM runs WHERE status = 'running' AND lease_expires_at <= @now ORDER BY id" + SkipLockedSql))
        {
            Add(find, "@now", ToDbTime(now));
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        foreach (var (id, target, worker) in expired)
        {
            var reason = $"lease of worker {worker ?? "?"} expired";
            if (await FindQueuedAsync(transaction, target, cancellationToken) is { } newer)
            {
                await EndSupersededAsync(transaction, id, target, RunStatus.Failed, $"{reason}; superseded by queued run {newer}", cancellationToken);
                continue;
            }

            // The fence moves on, so the lost worker can neither renew nor record over the next attempt.
            await using var requeue = Command(transaction,
                "UPDATE runs SET status = 'queued', fence = fence + 1, worker_id = NULL, lease_expires_at = NULL, " +
                "not_before = @now, requeue_reason = @reason WHERE id = @id");
            Add(requeue, "@id", id);
            Add(requeue, "@now", ToDbTime(now));
            Add(requeue, "@reason", reason);
            await requeue.ExecuteNonQueryAsync(cancellationToken);
            await AppendEventAsync(transaction, new NewEvent(EventTypes.RunRequeued, target, id, RunData(id, target,
                ("reason", reason), ("attempt_counted", true), ("not_before", now.UtcDateTime))), cancellationToken);
        }

        if (expired.Count > 0)
        {
            await CommitQueueChangeAsync(transaction, cancellationToken);
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return expired.Count;
    }

    private async Task<long?> FindQueuedAsync(DbTransaction transaction, string target, CancellationToken cancellationToken)
    {
        await using var find = Command(transaction, "SELECT id FROM runs WHERE target = @target AND status = 'queued'" + LockRowSql);
        Add(find, "@target", target);
        return await find.ExecuteScalarAsync(cancellationToken) is { } id and not DBNull ? Convert.ToInt64(id, CultureInfo.InvariantCulture) : null;
    }

    private async Task EndSupersededAsync(DbTransaction transaction, long runId, string target, RunStatus status, string message, CancellationToken cancellationToken)
    {
        await using var end = Command(transaction,
            "UPDATE runs SET status = @status, finished_at = @now, message = @message, fence = fence + 1, lease_expires_at = NULL WHERE id = @id");
        Add(end, "@id", runId);
        Add(end, "@status", StoreText.From(status));
        Add(end, "@now", ToDbTime(Time.GetUtcNow()));
        Add(end, "@message", message);
        await end.ExecuteNonQueryAsync(cancellationToken);
        await AppendEventAsync(transaction, new NewEvent(RunEndEventType(status), target, runId,
            RunData(runId, target, ("status", StoreText.From(status)), ("message", message))), cancellationToken);
    }
}
