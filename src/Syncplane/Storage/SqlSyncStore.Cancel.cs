namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task<CancelOutcome> RequestCancelAsync(long runId, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestedBy);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var flag = Command(transaction,
            "UPDATE runs SET cancel_requested_at = @now, cancel_requested_by = @by WHERE id = @id AND status = 'running'"))
        {
            Add(flag, "@id", runId);
            Add(flag, "@now", ToDbTime(now));
            Add(flag, "@by", requestedBy);
            if (await flag.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await transaction.CommitAsync(cancellationToken);
                return CancelOutcome.Requested;
            }
        }

        var completion = new RunCompletion { Status = RunStatus.Cancelled, Message = "cancelled by " + requestedBy };
        await using (var end = Command(transaction,
            "UPDATE runs SET status = 'cancelled', finished_at = @now, message = @message, cancel_requested_at = @now, cancel_requested_by = @by, " +
            "lease_expires_at = NULL WHERE id = @id AND status = 'queued' RETURNING target, attempt, trigger, started_at, dry_run"))
        {
            Add(end, "@id", runId);
            Add(end, "@now", ToDbTime(now));
            Add(end, "@by", requestedBy);
            Add(end, "@message", completion.Message);
            (string Target, int Attempt, string Trigger, DateTimeOffset? StartedAt, bool DryRun)? ended = null;
            await using (var reader = await end.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    ended = (reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : ReadTime(reader, 3), reader.GetBoolean(4));
                }
            }

            if (ended is { } run)
            {
                await AppendRunEndedEventsAsync(transaction, runId, run.Target, run.Attempt, run.Trigger, run.StartedAt, run.DryRun, completion, cancellationToken);
                await CommitWithEventsAsync(transaction, cancellationToken);
                return CancelOutcome.Cancelled;
            }
        }

        await using var exists = Command(transaction, "SELECT id FROM runs WHERE id = @id");
        Add(exists, "@id", runId);
        var found = await exists.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
        await transaction.CommitAsync(cancellationToken);
        return found ? CancelOutcome.AlreadyFinished : CancelOutcome.NotFound;
    }

    /// <inheritdoc />
    public async Task<string?> GetCancelRequestAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var find = Command(connection,
            "SELECT cancel_requested_by FROM runs WHERE id = @id AND status = 'running' AND cancel_requested_at IS NOT NULL");
        Add(find, "@id", runId);
        return await find.ExecuteScalarAsync(cancellationToken) is string by ? by : null;
    }
}
