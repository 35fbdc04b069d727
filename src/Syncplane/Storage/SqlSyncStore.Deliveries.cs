using System.Data.Common;
using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<EnqueueResult>?> AcceptDeliveryAsync(
        string provider, string? deliveryId, NewEvent received, IReadOnlyList<RunRequest> runs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(runs);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        if (deliveryId is not null && !await InsertDeliveryAsync(transaction, provider, deliveryId, now, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        await AppendEventAsync(transaction, received, cancellationToken);
        var results = new List<EnqueueResult>(runs.Count);
        foreach (var run in runs)
        {
            results.Add(await EnqueueAsync(transaction, run, now, cancellationToken));
        }

        if (runs.Count > 0)
        {
            await CommitQueueChangeAsync(transaction, cancellationToken);
        }
        else
        {
            await CommitWithEventsAsync(transaction, cancellationToken);
        }

        return results;
    }

    private async Task<bool> InsertDeliveryAsync(DbTransaction transaction, string provider, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var insert = Command(transaction,
            "INSERT INTO webhook_deliveries (provider, delivery_id, received_at) VALUES (@provider, @id, @now) ON CONFLICT DO NOTHING");
        Add(insert, "@provider", provider);
        Add(insert, "@id", deliveryId);
        Add(insert, "@now", ToDbTime(now));
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
