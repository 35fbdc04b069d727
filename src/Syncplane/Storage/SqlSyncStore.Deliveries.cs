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

    /// <summary>
    /// Writes one batch of deliveries in one transaction, in a constant number of statements however many it holds (set-based):
    /// each delivery id is spent once (a redelivery, also of one earlier in the batch, changes nothing), each accepted delivery
    /// appends its event and queues or coalesces its runs as single enqueues in target order would. Once a delivery is in the
    /// batch it is written whatever its caller does: its id is spent.
    /// </summary>
    private protected abstract Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> AcceptDeliveriesAsync(IReadOnlyList<Delivery> deliveries);

    /// <summary>How many batches may be on their way at once (one writing while another waits for the disk: SQLite).</summary>
    private protected virtual int DeliveryBatchWriters => 1;

    /// <summary>Each delivery id's first delivery in the batch: the one that counts, the others are redeliveries.</summary>
    private protected static Dictionary<(string Provider, string Id), int> FirstOfEachId(IReadOnlyList<Delivery> deliveries)
    {
        var firsts = new Dictionary<(string, string), int>();
        for (var i = 0; i < deliveries.Count; i++)
        {
            if (deliveries[i].DeliveryId is { } id)
            {
                firsts.TryAdd((deliveries[i].Provider, id), i);
            }
        }

        return firsts;
    }

    /// <summary>The run requests of the deliveries that count, by target (ordinal order), each target's in the batch's order.</summary>
    private protected static SortedDictionary<string, List<(RunRequest Run, int Delivery, int Index)>> RequestsByTarget(IReadOnlyList<Delivery> deliveries, Func<int, bool> counts)
    {
        var byTarget = new SortedDictionary<string, List<(RunRequest Run, int Delivery, int Index)>>(StringComparer.Ordinal);
        foreach (var i in Enumerable.Range(0, deliveries.Count).Where(counts))
        {
            foreach (var (run, j) in deliveries[i].Runs.Select((run, j) => (run, j)))
            {
                if (!byTarget.TryGetValue(run.Target, out var list))
                {
                    byTarget[run.Target] = list = [];
                }

                list.Add((run, i, j));
            }
        }

        return byTarget;
    }

    /// <summary>A run after the requests, in order: queued by the first when there is none, the rest coalescing into it.</summary>
    private protected static QueuedRunState Fold(QueuedRunState? run, List<(RunRequest Run, int Delivery, int Index)> requests, DateTimeOffset now) =>
        requests.Aggregate(run, (state, r) => state is null ? QueuedRunState.Queue(r.Run) : state.Coalesce(r.Run, now))!;

    /// <summary>
    /// The queued <paramref name="run"/> after the requests, or null when they change nothing: under load most requests
    /// coalesce into a run that already asks for all they ask (the same trigger, priority, and a time it is due by), and
    /// the run is then not written again. (<see cref="QueuedRunState.Coalesce"/> keeps the triggers list when it adds none,
    /// so record equality says whether anything changed.)
    /// </summary>
    private protected static QueuedRunState? FoldChanged(QueuedRunState run, List<(RunRequest Run, int Delivery, int Index)> requests, DateTimeOffset now) =>
        Fold(run, requests, now) is var folded && folded != run ? folded : null;

    /// <summary>A queued run's <see cref="QueuedRunState"/> columns, from <paramref name="first"/> on: <c>trigger, triggers, direction,
    /// dry_run, attempt, priority, not_before, trace_parent, resync, requeue_reason, wait_reason, wait_until</c>.</summary>
    private protected QueuedRunState ReadQueuedRunState(DbDataReader reader, int first) => new(
        reader.GetString(first), StoreText.FromJsonArray(reader.GetString(first + 1)), reader.GetString(first + 2), reader.GetBoolean(first + 3),
        reader.GetInt32(first + 4), reader.GetInt32(first + 5), ReadTime(reader, first + 6), reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
        reader.GetBoolean(first + 8), reader.IsDBNull(first + 9) ? null : reader.GetString(first + 9),
        reader.IsDBNull(first + 10) ? null : reader.GetString(first + 10), reader.IsDBNull(first + 11) ? null : ReadTime(reader, first + 11));

    /// <summary>
    /// The batch's events in the order they are appended: each accepted delivery's own (by provider and delivery id), then
    /// a run.queued per request (target order); and each accepted delivery's results. A request is the run's first when
    /// its target had none queued (<paramref name="isNew"/>) and it comes first; every other one coalesced into the run.
    /// </summary>
    private protected static (List<NewEvent> Events, IReadOnlyList<EnqueueResult>?[] Results) BatchOutcome(
        IReadOnlyList<Delivery> deliveries, bool[] accepted, SortedDictionary<string, List<(RunRequest Run, int Delivery, int Index)>> requests,
        IReadOnlyDictionary<string, long> runIds, Func<string, bool> isNew)
    {
        var events = Enumerable.Range(0, deliveries.Count).Where(i => accepted[i])
            .OrderBy(i => deliveries[i].Provider, StringComparer.Ordinal).ThenBy(i => deliveries[i].DeliveryId, StringComparer.Ordinal)
            .Select(i => deliveries[i].Received).ToList();
        var results = new EnqueueResult[]?[deliveries.Count];
        foreach (var i in Enumerable.Range(0, deliveries.Count).Where(i => accepted[i]))
        {
            results[i] = new EnqueueResult[deliveries[i].Runs.Count];
        }

        foreach (var (target, mine) in requests)
        {
            for (var k = 0; k < mine.Count; k++)
            {
                var (run, delivery, index) = mine[k];
                var coalesced = k > 0 || !isNew(target);
                results[delivery]![index] = new EnqueueResult(runIds[target], coalesced);
                events.Add(new NewEvent(EventTypes.RunQueued, target, runIds[target], RunData(runIds[target], target,
                    ("trigger", run.Trigger), ("priority", StoreText.From(run.Priority)), ("coalesced", coalesced), ("not_before", run.NotBefore.UtcDateTime))));
            }
        }

        return (events, results);
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

    /// <summary>One delivery of a batch: the arguments of <see cref="AcceptDeliveryAsync"/>.</summary>
    internal sealed record Delivery(string Provider, string? DeliveryId, NewEvent Received, IReadOnlyList<RunRequest> Runs);
}
