using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task<RecordEventCheck> CheckRecordEventAsync(string target, string source, string? messageId, string key, DateTimeOffset observedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (messageId is not null)
        {
            await using var seen = Command(connection, "SELECT 1 FROM webhook_deliveries WHERE provider = @provider AND delivery_id = @id");
            Add(seen, "@provider", DeliveryScope(target, source));
            Add(seen, "@id", messageId);
            if (await seen.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return RecordEventCheck.Duplicate;
            }
        }

        await using var latest = Command(connection, "SELECT observed_at FROM record_event_times WHERE target = @target AND key = @key");
        Add(latest, "@target", target);
        Add(latest, "@key", key);
        await using var reader = await latest.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && observedAt < ReadTime(reader, 0) ? RecordEventCheck.OutOfOrder : RecordEventCheck.Apply;
    }

    /// <inheritdoc />
    public async Task RecordEventAppliedAsync(string target, string source, string? messageId, string key, DateTimeOffset observedAt, NewEvent? changed, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        if (messageId is not null)
        {
            await InsertDeliveryAsync(transaction, DeliveryScope(target, source), messageId, Time.GetUtcNow(), cancellationToken);
        }

        await using (var save = Command(transaction, """
            INSERT INTO record_event_times (target, key, observed_at) VALUES (@target, @key, @at)
            ON CONFLICT (target, key) DO UPDATE SET observed_at = excluded.observed_at WHERE excluded.observed_at > record_event_times.observed_at
            """))
        {
            Add(save, "@target", target);
            Add(save, "@key", key);
            Add(save, "@at", ToDbTime(observedAt));
            await save.ExecuteNonQueryAsync(cancellationToken);
        }

        if (changed is not null)
        {
            await AppendEventAsync(transaction, changed, cancellationToken);
            await CommitWithEventsAsync(transaction, cancellationToken);
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    // Message ids of events on a target's records share the webhook deliveries' table (and its retention) under their own scope.
    private static string DeliveryScope(string target, string source) => $"records:{target}:{source}";
}
