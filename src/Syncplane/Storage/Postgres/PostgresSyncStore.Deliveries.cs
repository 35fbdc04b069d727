using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Syncplane.Events;

namespace Syncplane.Storage.Postgres;

/// <summary>
/// A batch of webhook deliveries in a constant number of round trips, however many deliveries it holds: one for the
/// delivery ids (and the matched targets' queued runs, locked), one for every run and event, one for the commit.
/// What the runs become is worked out in memory (<see cref="QueuedRunState"/>), by the same rule as a single enqueue.
/// </summary>
internal sealed partial class PostgresSyncStore
{
    // The delivery ids not seen before; then the queued runs of the batch's targets, locked until the commit so that
    // what is read here is what the write below replaces. Rows are taken in one order (ids, then targets), so two
    // nodes' batches never wait on each other in a circle.
    private const string SpendIdsAndLockQueuedSql =
        "INSERT INTO webhook_deliveries (provider, delivery_id, received_at) " +
        "SELECT d.provider, d.delivery_id, @now FROM json_to_recordset(@deliveries::json) AS d(n integer, provider text, delivery_id text) ORDER BY d.n " +
        "ON CONFLICT DO NOTHING RETURNING provider, delivery_id; " +
        "SELECT id, target, trigger, triggers, direction, dry_run, attempt, priority, not_before, trace_parent, resync, requeue_reason, wait_reason, wait_until " +
        "FROM runs WHERE status = 'queued' AND target IN (SELECT json_array_elements_text(@targets::json)) ORDER BY target FOR NO KEY UPDATE";

    // New runs (a target with none queued) and coalesced ones, then every event in its order: run.queued rows take
    // their run's id. A new run refused by the unique index (another writer queued one meanwhile) writes no events,
    // and the caller rolls back and tries again.
    private const string WriteRunsAndEventsSql =
        "WITH fresh AS (INSERT INTO runs (target, trigger, triggers, direction, dry_run, attempt, status, priority, not_before, queued_at, outputs_created, trace_parent, resync) " +
        "SELECT r.target, r.trigger, r.triggers, r.direction, r.dry_run, 0, 'queued', r.priority, r.not_before, @now, '[]', r.trace_parent, r.resync " +
        "FROM json_to_recordset(@fresh::json) AS r(n integer, target text, trigger text, triggers text, direction text, dry_run boolean, priority integer, " +
        "not_before timestamptz, trace_parent text, resync boolean) ORDER BY r.n " +
        "ON CONFLICT (target) WHERE status = 'queued' DO NOTHING RETURNING id, target), " +
        "coalesced AS (UPDATE runs q SET trigger = u.trigger, triggers = u.triggers, dry_run = u.dry_run, attempt = u.attempt, priority = u.priority, " +
        "not_before = u.not_before, trace_parent = u.trace_parent, resync = u.resync, requeue_reason = u.requeue_reason, wait_reason = u.wait_reason, " +
        "wait_until = u.wait_until FROM json_to_recordset(@coalesced::json) AS u(id bigint, trigger text, triggers text, dry_run boolean, attempt integer, " +
        "priority integer, not_before timestamptz, trace_parent text, resync boolean, requeue_reason text, wait_reason text, wait_until timestamptz) " +
        "WHERE q.id = u.id RETURNING q.id, q.target), " +
        "ids AS (SELECT id, target FROM fresh UNION ALL SELECT id, target FROM coalesced), " +
        "added AS (INSERT INTO events (at, type, target, run_id, data) " +
        "SELECT @at, e.type, e.target, COALESCE(i.id, e.run_id), CASE WHEN e.run THEN '{\"run_id\":' || i.id || e.data ELSE e.data END " +
        "FROM json_to_recordset(@events::json) AS e(n integer, type text, target text, run_id bigint, run boolean, data text) " +
        "LEFT JOIN ids i ON e.run AND i.target = e.target WHERE (SELECT count(*) FROM fresh) = @fresh_count ORDER BY e.n RETURNING id) " +
        "SELECT (SELECT count(*) FROM fresh), (SELECT json_object_agg(target, id) FROM fresh)::text, (SELECT array_agg(id ORDER BY id) FROM added)";

    /// <inheritdoc />
    private protected override async Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> AcceptDeliveriesAsync(IReadOnlyList<Delivery> deliveries)
    {
        for (var turn = 1; turn <= UniqueViolationTries; turn++)
        {
            try
            {
                if (await TryAcceptDeliveriesAsync(deliveries) is { } accepted)
                {
                    return accepted;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected)
            {
                // PostgreSQL rolled the batch back to break a lock cycle with a worker's completion: nothing was written.
            }
        }

        // Other writers kept queueing runs of these targets between the batch's read and its write (a busy worker's
        // requeues): one statement per delivery instead, which coalesces into whatever queued run it finds.
        return await base.AcceptDeliveriesAsync(deliveries);
    }

    // Null when another writer queued a run of one of the targets meanwhile: nothing was written, try again.
    private async Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>?> TryAcceptDeliveriesAsync(IReadOnlyList<Delivery> deliveries)
    {
        // Once a delivery is in the batch it is written whatever its caller does: its id is spent.
        var cancellationToken = CancellationToken.None;
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);

        // A delivery id twice in the batch: its first delivery is the one that counts, the others are redeliveries.
        var order = Enumerable.Range(0, deliveries.Count)
            .OrderBy(i => deliveries[i].Provider, StringComparer.Ordinal).ThenBy(i => deliveries[i].DeliveryId, StringComparer.Ordinal).ToList();
        var firsts = new Dictionary<(string, string), int>();
        foreach (var i in Enumerable.Range(0, deliveries.Count).Where(i => deliveries[i].DeliveryId is not null))
        {
            firsts.TryAdd((deliveries[i].Provider, deliveries[i].DeliveryId!), i);
        }

        var targets = deliveries.SelectMany(d => d.Runs).Select(r => r.Target).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var spent = new HashSet<(string, string)>();
        var started = Telemetry.StageTimes.Start();
        var queued = new Dictionary<string, (long Id, QueuedRunState State)>(StringComparer.Ordinal);
        await using (var read = Command(transaction, SpendIdsAndLockQueuedSql))
        {
            Add(read, "@now", ToDbTime(now));
            Add(read, "@deliveries", Json(firsts.Keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal).Select((key, n) => new JsonObject { ["n"] = n, ["provider"] = key.Item1, ["delivery_id"] = key.Item2 })));
            Add(read, "@targets", JsonSerializer.Serialize(targets));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                spent.Add((reader.GetString(0), reader.GetString(1)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                queued[reader.GetString(1)] = (reader.GetInt64(0), new QueuedRunState(
                    reader.GetString(2), StoreText.FromJsonArray(reader.GetString(3)), reader.GetString(4), reader.GetBoolean(5), reader.GetInt32(6),
                    reader.GetInt32(7), ReadTime(reader, 8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetBoolean(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12),
                    reader.IsDBNull(13) ? null : ReadTime(reader, 13)));
            }
        }

        Telemetry.StageTimes.Since("pg.batch.read", started);
        var accepted = new bool[deliveries.Count];
        foreach (var i in Enumerable.Range(0, deliveries.Count))
        {
            var delivery = deliveries[i];
            accepted[i] = delivery.DeliveryId is null || (firsts[(delivery.Provider, delivery.DeliveryId)] == i && spent.Contains((delivery.Provider, delivery.DeliveryId)));
        }

        // Each target's requests in the batch's order: the first queues a run unless one is queued, the rest coalesce into it.
        var requests = Enumerable.Range(0, deliveries.Count).Where(i => accepted[i])
            .SelectMany(i => deliveries[i].Runs.Select((run, j) => (Run: run, Delivery: i, Index: j)))
            .OrderBy(r => r.Run.Target, StringComparer.Ordinal).ToList();
        var states = new Dictionary<string, QueuedRunState>(StringComparer.Ordinal);
        var coalescedFlags = new bool[requests.Count];
        for (var k = 0; k < requests.Count; k++)
        {
            var run = requests[k].Run;
            var state = states.GetValueOrDefault(run.Target) ?? (queued.TryGetValue(run.Target, out var existing) ? existing.State : null);
            coalescedFlags[k] = state is not null;
            states[run.Target] = state is null ? QueuedRunState.Queue(run) : state.Coalesce(run, now);
        }

        var fresh = states.Where(s => !queued.ContainsKey(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var at = ToMicroseconds(Time.GetUtcNow());
        var events = new List<(NewEvent Event, string? RunSuffix)>();
        events.AddRange(order.Where(i => accepted[i]).Select(i => (deliveries[i].Received, (string?)null)));
        events.AddRange(requests.Select((r, k) => (new NewEvent(EventTypes.RunQueued, r.Run.Target, null, RunData(0, r.Run.Target,
            ("trigger", r.Run.Trigger), ("priority", StoreText.From(r.Run.Priority)), ("coalesced", coalescedFlags[k]), ("not_before", r.Run.NotBefore.UtcDateTime))),
            (string?)"")));
        var eventData = events.Select(e => e.RunSuffix is null ? e.Event.DataJson : e.Event.DataJson[RunIdHead.Length..]).ToList();

        Dictionary<string, long> freshIds;
        long[] eventIds;
        started = Telemetry.StageTimes.Start();
        await using (var write = Command(transaction, WriteRunsAndEventsSql))
        {
            Add(write, "@now", ToDbTime(now));
            Add(write, "@at", ToDbTime(at));
            Add(write, "@fresh_count", (long)fresh.Count);
            Add(write, "@fresh", Json(fresh.Select((f, n) => new JsonObject
            {
                ["n"] = n, ["target"] = f.Key, ["trigger"] = f.Value.Trigger, ["triggers"] = StoreText.ToJsonArray(f.Value.Triggers), ["direction"] = f.Value.Direction,
                ["dry_run"] = f.Value.DryRun, ["priority"] = f.Value.Priority, ["not_before"] = JsonTime(f.Value.NotBefore), ["trace_parent"] = f.Value.TraceParent,
                ["resync"] = f.Value.Resync,
            })));
            Add(write, "@coalesced", Json(queued.Select(q => (q.Value.Id, State: states.GetValueOrDefault(q.Key))).Where(q => q.State is not null).Select(q => new JsonObject
            {
                ["id"] = q.Id, ["trigger"] = q.State!.Trigger, ["triggers"] = StoreText.ToJsonArray(q.State.Triggers), ["dry_run"] = q.State.DryRun,
                ["attempt"] = q.State.Attempt, ["priority"] = q.State.Priority, ["not_before"] = JsonTime(q.State.NotBefore), ["trace_parent"] = q.State.TraceParent,
                ["resync"] = q.State.Resync, ["requeue_reason"] = q.State.RequeueReason, ["wait_reason"] = q.State.WaitReason,
                ["wait_until"] = q.State.WaitUntil is { } until ? JsonTime(until) : null,
            })));
            Add(write, "@events", Json(events.Select((e, n) => new JsonObject
            {
                ["n"] = n, ["type"] = e.Event.Type, ["target"] = e.Event.Target, ["run_id"] = e.Event.RunId, ["run"] = e.RunSuffix is not null, ["data"] = eventData[n],
            })));
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(0) != fresh.Count)
            {
                return null; // disposing the transaction rolls it back: the delivery ids are not spent
            }

            freshIds = reader.IsDBNull(1) ? [] : JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(1))!;
            eventIds = reader.IsDBNull(2) ? [] : reader.GetFieldValue<long[]>(2);
        }

        Telemetry.StageTimes.Since("pg.batch.write", started);
        long RunIdOf(string target) => queued.TryGetValue(target, out var existing) ? existing.Id : freshIds[target];
        AddAppendedEvents(transaction, events.Select((e, n) => new SyncEvent(eventIds[n], at, e.Event.Type, e.Event.Target,
            e.RunSuffix is null ? e.Event.RunId : RunIdOf(e.Event.Target!),
            e.RunSuffix is null ? eventData[n] : "{\"run_id\":" + RunIdOf(e.Event.Target!).ToString(CultureInfo.InvariantCulture) + eventData[n])));

        var results = new EnqueueResult[]?[deliveries.Count];
        foreach (var i in Enumerable.Range(0, deliveries.Count).Where(i => accepted[i]))
        {
            results[i] = new EnqueueResult[deliveries[i].Runs.Count];
        }

        for (var k = 0; k < requests.Count; k++)
        {
            results[requests[k].Delivery]![requests[k].Index] = new EnqueueResult(RunIdOf(requests[k].Run.Target), coalescedFlags[k]);
        }

        started = Telemetry.StageTimes.Start();
        if (requests.Count > 0)
        {
            await CommitQueueChangeAsync(transaction, cancellationToken);
        }
        else
        {
            await CommitWithEventsAsync(transaction, cancellationToken);
        }

        Telemetry.StageTimes.Since("pg.batch.commit", started);
        return [.. results.Select(r => (IReadOnlyList<EnqueueResult>?)r)];
    }

    // How RunData's JSON starts before the details: the run id is put in front by the statement.
    private const string RunIdHead = "{\"run_id\":0";

    private static string Json(IEnumerable<JsonObject> rows) => new JsonArray([.. rows]).ToJsonString();

    // A timestamptz as json_to_recordset reads it, to the microsecond.
    private static string JsonTime(DateTimeOffset value) =>
        ToMicroseconds(value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
