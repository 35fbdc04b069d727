using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Syncplane.Events;

namespace Syncplane.Storage.Sqlite;

/// <summary>
/// A batch of webhook deliveries in five statements, however many deliveries it holds: one spends the delivery ids, one reads
/// the targets' queued runs, one inserts the new runs, one updates the runs the batch's requests coalesced into, one appends
/// every event. Each statement reads its rows from one JSON parameter (<c>json_each</c>). The batch holds the write lock from
/// its first statement, so what it read is what it writes over, and what the runs become is worked out in memory
/// (<see cref="QueuedRunState"/>), by the same rule as a single enqueue.
/// </summary>
internal sealed partial class SqliteSyncStore
{
    private const string SpendIdsSql =
        "INSERT INTO webhook_deliveries (provider, delivery_id, received_at) SELECT value->>'provider', value->>'id', @now FROM json_each(@ids) WHERE true " +
        "ON CONFLICT DO NOTHING RETURNING provider, delivery_id";

    private const string QueuedRunsSql =
        "SELECT id, target, trigger, triggers, direction, dry_run, attempt, priority, not_before, trace_parent, resync, requeue_reason, wait_reason, wait_until " +
        "FROM runs WHERE status = 'queued' AND target IN (SELECT value FROM json_each(@targets))";

    private const string InsertRunsSql =
        "INSERT INTO runs (target, trigger, triggers, direction, dry_run, attempt, status, priority, not_before, queued_at, outputs_created, trace_parent, resync) " +
        "SELECT value->>'target', value->>'trigger', value->>'triggers', value->>'direction', value->>'dry_run', 0, 'queued', value->>'priority', " +
        "value->>'not_before', @now, '[]', value->>'trace_parent', value->>'resync' FROM json_each(@runs) ORDER BY key RETURNING id, target";

    private const string CoalesceRunsSql =
        "UPDATE runs SET trigger = u.value->>'trigger', triggers = u.value->>'triggers', dry_run = u.value->>'dry_run', attempt = u.value->>'attempt', " +
        "priority = u.value->>'priority', not_before = u.value->>'not_before', trace_parent = u.value->>'trace_parent', resync = u.value->>'resync', " +
        "requeue_reason = u.value->>'requeue_reason', wait_reason = u.value->>'wait_reason', wait_until = u.value->>'wait_until' " +
        "FROM json_each(@runs) AS u WHERE runs.id = u.value->>'id' AND runs.status = 'queued'";

    private const string AppendEventsSql =
        "INSERT INTO events (at, type, target, run_id, data) SELECT @at, value->>'type', value->>'target', value->>'run_id', value->>'data' " +
        "FROM json_each(@events) ORDER BY key RETURNING id";

    /// <inheritdoc />
    /// <remarks>
    /// Committed with <c>synchronous=NORMAL</c>, so the write lock is not held while the disk syncs; the batch returns
    /// (and each sender gets its 202) only after <see cref="SqliteWalSync"/> has fsynced the WAL, so an accepted delivery is
    /// as durable as with <c>synchronous=FULL</c>; meanwhile the next batch may already write. Its turn at the write gate is urgent.
    /// </remarks>
    private protected override async Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> AcceptDeliveriesAsync(IReadOnlyList<Delivery> deliveries)
    {
        var cancellationToken = CancellationToken.None;
        var now = Time.GetUtcNow();
        IReadOnlyList<EnqueueResult>?[] results;
        await using (var connection = await OpenAsync(cancellationToken))
        {
            await CommitWithoutFsyncAsync(connection, cancellationToken);
            await _writeGate.EnterAsync(connection, urgent: true, cancellationToken);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            results = await WriteDeliveriesAsync(transaction, deliveries, now, cancellationToken);
        }

        await _walSync.SyncAsync();
        return results;
    }

    private async Task<IReadOnlyList<EnqueueResult>?[]> WriteDeliveriesAsync(
        DbTransaction transaction, IReadOnlyList<Delivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var firsts = FirstOfEachId(deliveries);
        var spent = new HashSet<(string, string)>();
        await using (var spend = Command(transaction, SpendIdsSql))
        {
            Add(spend, "@now", ToDbTime(now));
            Add(spend, "@ids", JsonRows(firsts.Keys, static (json, key) =>
            {
                json.WriteString("provider", key.Provider);
                json.WriteString("id", key.Id);
            }));
            await using var reader = await spend.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                spent.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var accepted = new bool[deliveries.Count];
        for (var i = 0; i < deliveries.Count; i++)
        {
            accepted[i] = deliveries[i].DeliveryId is not { } id || (firsts[(deliveries[i].Provider, id)] == i && spent.Contains((deliveries[i].Provider, id)));
        }

        var requests = RequestsByTarget(deliveries, i => accepted[i]);
        var queued = new Dictionary<string, (long Id, QueuedRunState State)>(StringComparer.Ordinal);
        if (requests.Count > 0)
        {
            await using var read = Command(transaction, QueuedRunsSql);
            Add(read, "@targets", JsonSerializer.Serialize(requests.Keys));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                queued[reader.GetString(1)] = (reader.GetInt64(0), ReadQueuedRunState(reader, 2));
            }
        }

        var runIds = queued.ToDictionary(q => q.Key, q => q.Value.Id, StringComparer.Ordinal);
        var fresh = requests.Where(r => !queued.ContainsKey(r.Key)).Select(r => (Target: r.Key, State: Fold(null, r.Value, now))).ToList();
        if (fresh.Count > 0)
        {
            await using var insert = Command(transaction, InsertRunsSql);
            Add(insert, "@now", ToDbTime(now));
            Add(insert, "@runs", JsonRows(fresh, (json, run) => WriteRun(json, run.State, run.Target)));
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                runIds[reader.GetString(1)] = reader.GetInt64(0);
            }
        }

        var coalesced = new List<(long Id, QueuedRunState State)>();
        foreach (var (target, asked) in requests)
        {
            if (queued.TryGetValue(target, out var run) && FoldChanged(run.State, asked, now) is { } changed)
            {
                coalesced.Add((run.Id, changed));
            }
        }

        if (coalesced.Count > 0)
        {
            await using var update = Command(transaction, CoalesceRunsSql);
            Add(update, "@runs", JsonRows(coalesced, (json, run) =>
            {
                json.WriteNumber("id", run.Id);
                WriteRun(json, run.State, target: null);
            }));
            if (await update.ExecuteNonQueryAsync(cancellationToken) != coalesced.Count)
            {
                throw new InvalidOperationException("a queued run the batch read changed before it wrote");
            }
        }

        var (events, results) = BatchOutcome(deliveries, accepted, requests, runIds, target => !queued.ContainsKey(target));
        var at = ToMicroseconds(Time.GetUtcNow());
        var data = events.ConvertAll(e => e.DataJson);
        var eventIds = new List<long>(events.Count);
        await using (var append = Command(transaction, AppendEventsSql))
        {
            Add(append, "@at", ToDbTime(at));
            Add(append, "@events", JsonRows(Enumerable.Range(0, events.Count), (json, n) =>
            {
                json.WriteString("type", events[n].Type);
                json.WriteString("target", events[n].Target);
                if (events[n].RunId is { } runId)
                {
                    json.WriteNumber("run_id", runId);
                }

                json.WriteString("data", data[n]);
            }));
            await using var reader = await append.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                eventIds.Add(reader.GetInt64(0));
            }
        }

        // Ids grow in the order the rows were inserted, which is the events' order.
        eventIds.Sort();
        AddAppendedEvents(transaction, events.Select((e, n) => new SyncEvent(eventIds[n], at, e.Type, e.Target, e.RunId, data[n])));
        if (requests.Count > 0)
        {
            await CommitQueueChangeAsync(transaction, cancellationToken);
        }
        else
        {
            await CommitWithEventsAsync(transaction, cancellationToken);
        }

        return results;
    }

    // A run's queueing columns as a json_each row (the target only for a new run; times as the store writes them).
    private void WriteRun(Utf8JsonWriter json, QueuedRunState state, string? target)
    {
        if (target is not null)
        {
            json.WriteString("target", target);
        }

        json.WriteString("trigger", state.Trigger);
        json.WriteString("triggers", StoreText.ToJsonArray(state.Triggers));
        json.WriteString("direction", state.Direction);
        json.WriteBoolean("dry_run", state.DryRun);
        json.WriteNumber("attempt", state.Attempt);
        json.WriteNumber("priority", state.Priority);
        json.WriteString("not_before", (string)ToDbTime(state.NotBefore));
        json.WriteString("trace_parent", state.TraceParent);
        json.WriteBoolean("resync", state.Resync);
        json.WriteString("requeue_reason", state.RequeueReason);
        json.WriteString("wait_reason", state.WaitReason);
        json.WriteString("wait_until", state.WaitUntil is { } until ? (string)ToDbTime(until) : null);
    }

    // A JSON array of one object per item, as json_each reads it.
    private static string JsonRows<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                json.WriteStartObject();
                write(json, item);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
