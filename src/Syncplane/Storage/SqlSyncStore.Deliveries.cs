using System.Data.Common;
using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private WriteBatcher<Delivery, IReadOnlyList<EnqueueResult>?>? _deliveries;

    /// <inheritdoc />
    /// <remarks>Concurrent deliveries share one transaction (<see cref="WriteBatcher{TRequest, TResult}"/>); each returns once it committed.</remarks>
    public Task<IReadOnlyList<EnqueueResult>?> AcceptDeliveryAsync(
        string provider, string? deliveryId, NewEvent received, IReadOnlyList<RunRequest> runs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(runs);
        var batcher = LazyInitializer.EnsureInitialized(ref _deliveries, () => new(AcceptDeliveriesAsync, writers: DeliveryBatchWriters));
        return batcher.WriteAsync(new Delivery(provider, deliveryId, received, runs)).WaitAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="deliveries"/> as the batcher does when they arrive together: one transaction, results in their order.</summary>
    internal Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> AcceptDeliveryBatchAsync(IReadOnlyList<Delivery> deliveries) => AcceptDeliveriesAsync(deliveries);

    /// <summary>Writes one batch of deliveries in one transaction; a dialect may do it in fewer round trips (PostgreSQL: set-based).</summary>
    private protected virtual async Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> AcceptDeliveriesAsync(IReadOnlyList<Delivery> deliveries)
    {
        // Once a delivery is in the batch it is written whatever its caller does: its id is spent.
        var cancellationToken = CancellationToken.None;
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginDeliveryWriteAsync(connection, cancellationToken);
        // Rows are taken in one order (delivery ids, then targets), so two nodes' batches never wait on each other in a circle.
        var accepted = new EnqueueResult[]?[deliveries.Count];
        foreach (var i in Enumerable.Range(0, deliveries.Count).OrderBy(i => deliveries[i].Provider, StringComparer.Ordinal).ThenBy(i => deliveries[i].DeliveryId, StringComparer.Ordinal))
        {
            // A redelivery (also of one earlier in this batch) inserts no id and changes nothing.
            var delivery = deliveries[i];
            if (delivery.DeliveryId is null || await InsertDeliveryAsync(transaction, delivery.Provider, delivery.DeliveryId, now, cancellationToken))
            {
                await AppendEventAsync(transaction, delivery.Received, cancellationToken);
                accepted[i] = new EnqueueResult[delivery.Runs.Count];
            }
        }

        var runs = accepted.SelectMany((results, i) => results is null ? [] : deliveries[i].Runs.Select((run, j) => (Run: run, Delivery: i, Index: j)));
        var queued = false;
        foreach (var (run, delivery, index) in runs.OrderBy(r => r.Run.Target, StringComparer.Ordinal).ToList())
        {
            accepted[delivery]![index] = await EnqueueAsync(transaction, run, now, cancellationToken);
            queued = true;
        }

        if (queued)
        {
            await CommitQueueChangeAsync(transaction, cancellationToken);
        }
        else
        {
            await CommitWithEventsAsync(transaction, cancellationToken);
        }

        return [.. accepted.Select(results => (IReadOnlyList<EnqueueResult>?)results)];
    }

    /// <summary>How many batches may be on their way at once (one writing while another waits for the disk: SQLite).</summary>
    private protected virtual int DeliveryBatchWriters => 1;

    /// <summary>Starts a batch's transaction; SQLite fsyncs it after the commit, outside the write lock.</summary>
    private protected virtual ValueTask<DbTransaction> BeginDeliveryWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginWriteAsync(connection, cancellationToken);

    private async Task<bool> InsertDeliveryAsync(DbTransaction transaction, string provider, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var insert = Command(transaction,
            "INSERT INTO webhook_deliveries (provider, delivery_id, received_at) VALUES (@provider, @id, @now) ON CONFLICT DO NOTHING");
        Add(insert, "@provider", provider);
        Add(insert, "@id", deliveryId);
        Add(insert, "@now", ToDbTime(now));
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>One delivery of a batch: the arguments of <see cref="AcceptDeliveryAsync"/>.</summary>
    internal sealed record Delivery(string Provider, string? DeliveryId, NewEvent Received, IReadOnlyList<RunRequest> Runs);
}
