using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Syncplane.Events;

namespace Syncplane.Storage.Postgres;

/// <summary>
/// A batch of webhook deliveries in two round trips, however many deliveries it holds: one that spends the delivery ids and
/// takes each target's queued run (inserting it when there is none), one for the coalesced runs, every event and the commit.
/// What the runs become is worked out in memory (<see cref="QueuedRunState"/>), by the same rule as a single enqueue.
/// </summary>
/// <remarks>
/// Lock order: delivery ids, then the targets' queued runs in target order, each taken through the one-queued-run-per-target
/// index (<c>ON CONFLICT … DO UPDATE … WHERE false</c> locks the row without changing it). Unlike <c>SELECT … FOR UPDATE</c>,
/// that never locks a row that stopped being queued (a read-committed <c>FOR UPDATE</c> locks the newest version of a row
/// that a worker claimed meanwhile, even though it no longer matches), so a batch never holds a run a worker is completing,
/// and a worker's claim skips the runs a batch holds: the two never wait on each other in a circle.
/// </remarks>
internal sealed partial class PostgresSyncStore
{
    // The delivery ids not seen before; then each target's queued run, new (its state as if every delivery in the batch
    // counts) or the one there is, locked until the commit; then the queued runs there were, as they are now.
    private const string SpendIdsAndTakeQueuedSql =
        "INSERT INTO webhook_deliveries (provider, delivery_id, received_at) " +
        "SELECT d.provider, d.delivery_id, @now FROM json_to_recordset(@deliveries::json) AS d(n integer, provider text, delivery_id text) ORDER BY d.n " +
        "ON CONFLICT DO NOTHING RETURNING provider, delivery_id; " +
        "INSERT INTO runs (target, trigger, triggers, direction, dry_run, attempt, status, priority, not_before, queued_at, outputs_created, trace_parent, resync) " +
        "SELECT r.target, r.trigger, r.triggers, r.direction, r.dry_run, 0, 'queued', r.priority, r.not_before, @now, '[]', r.trace_parent, r.resync " +
        "FROM json_to_recordset(@fresh::json) AS r(n integer, target text, trigger text, triggers text, direction text, dry_run boolean, priority integer, " +
        "not_before timestamptz, trace_parent text, resync boolean) ORDER BY r.n " +
        "ON CONFLICT (target) WHERE status = 'queued' DO UPDATE SET status = runs.status WHERE false RETURNING id, target; " +
        "SELECT id, target, trigger, triggers, direction, dry_run, attempt, priority, not_before, trace_parent, resync, requeue_reason, wait_reason, wait_until " +
        "FROM runs WHERE status = 'queued' AND target IN (SELECT json_array_elements_text(@targets::json))";

    // The runs the batch's requests coalesced into (and new ones a redelivery changed), the new runs no delivery of the
    // batch turned out to queue (each target's only ones were redeliveries), then every event in its order; and the commit,
    // in the same round trip. The batch holds every run it changes, so each must be found: if one were not, the cast of
    // the message fails the statement, and PostgreSQL skips the commit (the transaction is rolled back). (The message reads
    // a count, so that the planner cannot fold the cast, and fail it, before the statement runs.)
    private const string WriteRunsAndEventsAndCommitSql =
        "WITH coalesced AS (UPDATE runs q SET trigger = u.trigger, triggers = u.triggers, dry_run = u.dry_run, attempt = u.attempt, priority = u.priority, " +
        "not_before = u.not_before, trace_parent = u.trace_parent, resync = u.resync, requeue_reason = u.requeue_reason, wait_reason = u.wait_reason, " +
        "wait_until = u.wait_until FROM json_to_recordset(@coalesced::json) AS u(id bigint, trigger text, triggers text, dry_run boolean, attempt integer, " +
        "priority integer, not_before timestamptz, trace_parent text, resync boolean, requeue_reason text, wait_reason text, wait_until timestamptz) " +
        "WHERE q.id = u.id AND q.status = 'queued' RETURNING q.id), " +
        "unqueued AS (DELETE FROM runs WHERE status = 'queued' AND id IN (SELECT json_array_elements_text(@unqueued::json)::bigint) RETURNING id), " +
        "added AS (INSERT INTO events (at, type, target, run_id, data) " +
        "SELECT @at, e.type, e.target, e.run_id, e.data FROM json_to_recordset(@events::json) AS e(n integer, type text, target text, run_id bigint, data text) " +
        "ORDER BY e.n RETURNING id) " +
        "SELECT CASE WHEN (SELECT count(*) FROM coalesced) + (SELECT count(*) FROM unqueued) = @changed THEN (SELECT array_agg(id ORDER BY id) FROM added) " +
        "ELSE ('a queued run the batch held changed before its commit; runs found: ' || (SELECT count(*) FROM coalesced))::bigint[] END; " +
        "COMMIT";

    /// <summary>How often a batch that PostgreSQL rolled back to break a lock cycle is written in all.</summary>
    private const int DeadlockTries = 3;

    /// <inheritdoc />
    /// <remarks>
    /// A batch is two round trips; while one is on its way (or waits for a run a worker holds), the deliveries that
    /// arrive meanwhile are written in the next. Batches take their locks in the one order above, so they never wait on
    /// each other in a circle: a batch that shares a delivery id or a target with one before it waits for that one's
    /// commit, then finds the id spent or coalesces into the run as it is then. Two, not more: on a busy CPU more writers
    /// only split the deliveries into smaller batches, each paying its own round trips and commit.
    /// </remarks>
    private protected override int DeliveryBatchWriters => 2;

    /// <inheritdoc />
    /// <remarks>
    /// The batch takes its locks in one order, and a worker's claim and completion never wait for it; a cycle can still
    /// come from a writer that locks several targets' runs in another order (lease recovery requeues expired runs in id
    /// order). PostgreSQL then rolls the batch back whole, and it is written again.
    /// </remarks>
    private protected override async Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> AcceptDeliveriesAsync(IReadOnlyList<Delivery> deliveries)
    {
        for (var turn = 1; ; turn++)
        {
            var tried = Telemetry.StageTimes.Start();
            try
            {
                return await TryAcceptDeliveriesAsync(deliveries);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && turn < DeadlockTries)
            {
                // Nothing was written: the delivery ids are not spent. (The stage counts the cycles and the time each cost.)
                Telemetry.StageTimes.Since("pg.batch.deadlock", tried);
            }
        }
    }

    private async Task<IReadOnlyList<IReadOnlyList<EnqueueResult>?>> TryAcceptDeliveriesAsync(IReadOnlyList<Delivery> deliveries)
    {
        // Once a delivery is in the batch it is written whatever its caller does: its id is spent.
        var cancellationToken = CancellationToken.None;
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);

        // A delivery id twice in the batch: its first delivery is the one that counts, the others are redeliveries.
        var firsts = FirstOfEachId(deliveries);

        // Each target's requests in the batch's order, of the deliveries that may count; the new run a target gets when it
        // has none queued is what they make of it, unless some turn out to be redeliveries of an earlier batch.
        bool MayCount(int i) => deliveries[i].DeliveryId is not { } id || firsts[(deliveries[i].Provider, id)] == i;
        var hoped = RequestsByTarget(deliveries, MayCount);
        var targets = hoped.Keys.ToList();
        var spent = new HashSet<(string, string)>();
        var fresh = new Dictionary<string, long>(StringComparer.Ordinal);
        var queued = new Dictionary<string, (long Id, QueuedRunState State)>(StringComparer.Ordinal);
        var started = Telemetry.StageTimes.Start();
        await using (var read = Command(transaction, SpendIdsAndTakeQueuedSql))
        {
            Add(read, "@now", ToDbTime(now));
            Add(read, "@deliveries", Json(firsts.Keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal).Select((key, n) => new JsonObject { ["n"] = n, ["provider"] = key.Item1, ["delivery_id"] = key.Item2 })));
            Add(read, "@fresh", Json(targets.Select((target, n) => RunRow(Fold(null, hoped[target], now), n, target))));
            Add(read, "@targets", JsonSerializer.Serialize(targets));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                spent.Add((reader.GetString(0), reader.GetString(1)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                fresh[reader.GetString(1)] = reader.GetInt64(0);
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (fresh.ContainsKey(reader.GetString(1)))
                {
                    continue;
                }

                queued[reader.GetString(1)] = (reader.GetInt64(0), ReadQueuedRunState(reader, 2));
            }
        }

        Telemetry.StageTimes.Since("pg.batch.read", started);
        var accepted = new bool[deliveries.Count];
        foreach (var i in Enumerable.Range(0, deliveries.Count))
        {
            var delivery = deliveries[i];
            accepted[i] = delivery.DeliveryId is null || (firsts[(delivery.Provider, delivery.DeliveryId)] == i && spent.Contains((delivery.Provider, delivery.DeliveryId)));
        }

        // What each target's run becomes: a new run is rewritten only when a redelivery left out some of its requests.
        var requests = RequestsByTarget(deliveries, i => accepted[i]);
        var coalesced = new List<JsonObject>();
        var unqueued = new List<long>();
        var runIds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            var mine = requests.TryGetValue(target, out var asked) ? asked : [];
            if (fresh.TryGetValue(target, out var id))
            {
                runIds[target] = id;
                if (mine.Count == 0)
                {
                    unqueued.Add(id);
                }
                else if (mine.Count != hoped[target].Count)
                {
                    coalesced.Add(RunRow(Fold(null, mine, now), id));
                }
            }
            else if (queued.TryGetValue(target, out var run))
            {
                runIds[target] = run.Id;
                if (mine.Count > 0 && FoldChanged(run.State, mine, now) is { } changed)
                {
                    coalesced.Add(RunRow(changed, run.Id));
                }
            }
            else
            {
                throw new InvalidOperationException($"target {target} has no queued run after the batch took it");
            }
        }

        var at = ToMicroseconds(Time.GetUtcNow());
        var (events, results) = BatchOutcome(deliveries, accepted, requests, runIds, fresh.ContainsKey);
        long[] eventIds;
        var eventData = events.Select(e => e.DataJson).ToList();
        started = Telemetry.StageTimes.Start();
        await using (var write = Command(transaction, WriteRunsAndEventsAndCommitSql))
        {
            Add(write, "@at", ToDbTime(at));
            Add(write, "@changed", (long)(coalesced.Count + unqueued.Count));
            Add(write, "@coalesced", Json(coalesced));
            Add(write, "@unqueued", JsonSerializer.Serialize(unqueued));
            Add(write, "@events", Json(events.Select((e, n) => new JsonObject
            {
                ["n"] = n, ["type"] = e.Type, ["target"] = e.Target, ["run_id"] = e.RunId, ["data"] = eventData[n],
            })));
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            eventIds = reader.IsDBNull(0) ? [] : reader.GetFieldValue<long[]>(0);
        }

        Telemetry.StageTimes.Since("pg.batch.write_and_commit", started);
        AddAppendedEvents(transaction, events.Select((e, n) => new SyncEvent(eventIds[n], at, e.Type, e.Target, e.RunId, eventData[n])));
        HandOnCommittedEvents(transaction);
        if (targets.Count > 0)
        {
            QueueChanged();
        }

        return results;
    }

    // A run's queueing columns as a json_to_recordset row: numbered n (a new run of target) or by the id of the run it updates.
    private static JsonObject RunRow(QueuedRunState state, long n, string? target = null)
    {
        var row = new JsonObject
        {
            [target is null ? "id" : "n"] = n, ["target"] = target, ["trigger"] = state.Trigger, ["triggers"] = StoreText.ToJsonArray(state.Triggers),
            ["direction"] = state.Direction, ["dry_run"] = state.DryRun, ["attempt"] = state.Attempt, ["priority"] = state.Priority,
            ["not_before"] = JsonTime(state.NotBefore), ["trace_parent"] = state.TraceParent, ["resync"] = state.Resync,
            ["requeue_reason"] = state.RequeueReason, ["wait_reason"] = state.WaitReason,
            ["wait_until"] = state.WaitUntil is { } until ? JsonTime(until) : null,
        };
        return row;
    }

    private static string Json(IEnumerable<JsonObject> rows) => new JsonArray([.. rows]).ToJsonString();

    // A timestamptz as json_to_recordset reads it, to the microsecond.
    private static string JsonTime(DateTimeOffset value) =>
        ToMicroseconds(value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
