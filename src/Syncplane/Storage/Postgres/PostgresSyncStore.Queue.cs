using System.Data.Common;
using System.Text.Json.Nodes;
using Syncplane.Events;

namespace Syncplane.Storage.Postgres;

/// <summary>
/// The queue's hot path in single statements, each one round trip in autocommit: a claim with its
/// run.started event; a leased run's completion with its log lines and events; or both at once, as a
/// worker that finished a run claims its next. The events' data has the shared code's keys in its order,
/// built here around the values that come from the rows; the events table's trigger sends the NOTIFY.
/// </summary>
internal sealed partial class PostgresSyncStore
{
    private string? _claimStatement;
    private string? _completeAndClaimStatement;

    // claimed: the run taken (parameters @worker, @expires, @now).
    private string ClaimCte => "claimed AS (" + ClaimUpdateSql + ")";

    // Its run.started event, as an events row numbered 3 (after a completion's); parameter @started_type.
    private const string StartedEventRow =
        "SELECT 3 AS n, @started_type AS type, target, id AS run_id, '{\"run_id\":' || id || ',\"target\":' || to_json(target)::text || " +
        "',\"attempt\":' || attempt || ',\"trigger\":' || to_json(trigger)::text || ',\"worker\":' || to_json(@worker::text)::text || '}' AS data FROM claimed";

    // done: the run completed under its fence (parameters @id, @fence and the completion's); logged: its log lines.
    private const string CompleteCtes =
        "done AS (UPDATE runs SET " + CompletionSetSql + " WHERE id = @id AND status = 'running' AND fence = @fence " +
        "RETURNING target, attempt, trigger, started_at, dry_run), " +
        "logged AS (INSERT INTO run_logs (run_id, seq, at, level, message) " +
        "SELECT @id, (SELECT COALESCE(MAX(seq), 0) FROM run_logs WHERE run_id = @id) + l.n, l.at, l.level, l.message " +
        "FROM done, ROWS FROM (json_to_recordset(@log::json) AS (at timestamptz, level text, message text)) WITH ORDINALITY AS l(at, level, message, n))";

    // Its run.<status> (1) and items.changed (2) events.
    private const string EndedEventRows =
        "SELECT 1 AS n, @ended_type AS type, target, @id AS run_id, '{\"run_id\":' || @id || ',\"target\":' || to_json(target)::text || @status_members || " +
        "',\"attempt\":' || attempt || ',\"trigger\":' || to_json(trigger)::text || ',\"dry_run\":' || dry_run::text || @message_members || " +
        "COALESCE(',\"duration_ms\":' || GREATEST(0, floor(EXTRACT(EPOCH FROM (@now - started_at)) * 1000))::bigint, '') || @counter_members || '}' AS data FROM done " +
        "UNION ALL SELECT 2, @changed_type, target, @id, '{\"run_id\":' || @id || ',\"target\":' || to_json(target)::text || @change_members || '}' " +
        "FROM done WHERE @items_changed AND NOT dry_run";

    // Appends event rows in their numbered order (ids follow it).
    private static string InsertEvents(string rows) =>
        "events_added AS (INSERT INTO events (at, type, target, run_id, data) SELECT @now, e.type, e.target, e.run_id, e.data FROM (" + rows + ") e ORDER BY e.n " +
        "RETURNING id, type, target, run_id, data)";

    // The rows events_added wrote, as one JSON array of [id, type, target, run_id, data] (null when none), so this node's
    // SSE clients get them as they commit instead of after a read back (see ReadAddedEvents).
    private const string AddedEventsColumn =
        "(SELECT json_agg(json_build_array(id, type, target, run_id, data) ORDER BY id) FROM events_added)::text";

    // The events a statement added (its AddedEventsColumn); hand them to this node's listeners once its reader is closed
    // (the statement has then committed).
    private static List<SyncEvent> ReadAddedEvents(DbDataReader reader, int ordinal, DateTimeOffset now)
    {
        if (reader.IsDBNull(ordinal))
        {
            return [];
        }

        using var rows = System.Text.Json.JsonDocument.Parse(reader.GetString(ordinal));
        var at = ToMicroseconds(now);
        return [.. rows.RootElement.EnumerateArray().Select(row => new SyncEvent(
            row[0].GetInt64(), at, row[1].GetString()!, row[2].GetString(), row[3].ValueKind == System.Text.Json.JsonValueKind.Null ? null : row[3].GetInt64(),
            row[4].GetString()!))];
    }

    // Built once: a worker runs them for every run, and building them each time was a good part of what a busy server allocated.
    private string ClaimStatement => _claimStatement ??= "WITH " + ClaimCte + ", " + InsertEvents(StartedEventRow) + " SELECT claimed.*, " + AddedEventsColumn + " FROM claimed";

    private static readonly string CompleteStatement = "WITH " + CompleteCtes + ", " + InsertEvents(EndedEventRows) + " SELECT " + AddedEventsColumn + " FROM done";

    private string CompleteAndClaimStatement => _completeAndClaimStatement ??=
        "WITH " + CompleteCtes + ", " + ClaimCte + ", " + InsertEvents(EndedEventRows + " UNION ALL " + StartedEventRow) +
        " SELECT (SELECT count(*) FROM done), c.*, " + AddedEventsColumn + " FROM (SELECT 1) one LEFT JOIN claimed c ON true";

    /// <inheritdoc />
    /// <remarks>
    /// Runs the claim, the completion and the two together with arguments that match no run (id 0; due before the year 1),
    /// as often as Npgsql wants to see a statement before it prepares it, on one connection: so the worker's first
    /// runs find them parsed, planned and prepared, and this process's code for them compiled.
    /// </remarks>
    public override async Task PrepareQueueAsync(string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        var never = DateTimeOffset.UnixEpoch.AddYears(-1969);
        var nothing = new RunCompletion { Status = RunStatus.Succeeded, Message = "", Fence = -1 };
        await using var connection = await OpenAsync(cancellationToken);
        for (var use = 0; use < _autoPrepareMinUsages; use++)
        {
            foreach (var sql in (string[])[ClaimStatement, CompleteStatement, CompleteAndClaimStatement])
            {
                await using var command = Command(connection, sql);
                if (sql != ClaimStatement)
                {
                    AddCompleteParameters(command, 0, nothing, never);
                }

                if (sql != CompleteStatement)
                {
                    AddClaimParameters(command, workerId, leaseDuration, never);
                }

                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                }
            }
        }
    }

    /// <inheritdoc />
    private protected override async Task<RunLease?> TryClaimAsync(string workerId, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var claim = Command(connection, ClaimStatement);
        AddClaimParameters(claim, workerId, leaseDuration, now);
        RunLease? lease = null;
        List<SyncEvent> added = [];
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                lease = ReadLease(reader);
                added = ReadAddedEvents(reader, LeaseColumns, now);
            }
        }

        HandToCommitListeners(added);
        if (lease is not null)
        {
            EventSignal.Pulse();
        }

        return lease;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Two appenders could number log lines alike (the statement's snapshot predates the row lock it waits
    /// for): the key refuses the second, which tries again.
    /// </remarks>
    private protected override async Task<bool> CompleteLeasedRunAsync(long runId, RunCompletion completion, CancellationToken cancellationToken)
    {
        for (var turn = 1; ; turn++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            var now = Time.GetUtcNow();
            await using var complete = Command(connection, CompleteStatement);
            AddCompleteParameters(complete, runId, completion, now);
            try
            {
                List<SyncEvent>? added = null;
                await using (var reader = await complete.ExecuteReaderAsync(cancellationToken))
                {
                    if (await reader.ReadAsync(cancellationToken))
                    {
                        added = ReadAddedEvents(reader, 0, now);
                    }
                }

                if (added is null)
                {
                    return await RunMissingAsync(connection, null, runId, cancellationToken);
                }

                HandToCommitListeners(added);
                EventSignal.Pulse();
                return true;
            }
            catch (DbException ex) when (IsUniqueViolation(ex) && turn < UniqueViolationTries)
            {
                // Another appender numbered its lines first, or another run of the candidate's target started: the next statement sees it.
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Both in one statement: they commit together, or (a unique key refused one) neither does and the statement runs again.</remarks>
    private protected override async Task<(bool Completed, RunLease? Next)> CompleteLeasedAndClaimAsync(
        long runId, RunCompletion completion, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        for (var turn = 1; ; turn++)
        {
            var now = Time.GetUtcNow();
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, CompleteAndClaimStatement);
            AddCompleteParameters(command, runId, completion, now);
            AddClaimParameters(command, workerId, leaseDuration, now);
            try
            {
                bool completed;
                RunLease? next;
                List<SyncEvent> added;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    await reader.ReadAsync(cancellationToken);
                    completed = reader.GetInt64(0) == 1;
                    next = reader.IsDBNull(1) ? null : ReadLease(reader, 1);
                    added = ReadAddedEvents(reader, 1 + LeaseColumns, now);
                }

                HandToCommitListeners(added);

                EventSignal.Pulse();
                return completed ? (true, next) : (await RunMissingAsync(connection, null, runId, cancellationToken), next);
            }
            catch (DbException ex) when (IsUniqueViolation(ex) && turn < UniqueViolationTries)
            {
                // As above: nothing was written; run it again.
            }
        }
    }

    private void AddClaimParameters(DbCommand command, string workerId, TimeSpan leaseDuration, DateTimeOffset now)
    {
        Add(command, "@worker", workerId);
        Add(command, "@expires", ToDbTime(now + leaseDuration));
        Add(command, "@now", ToDbTime(now));
        Add(command, "@started_type", EventTypes.RunStarted);
    }

    private void AddCompleteParameters(DbCommand command, long runId, RunCompletion completion, DateTimeOffset now)
    {
        var summary = completion.Summary;
        AddCompletionParameters(command, runId, completion, now);
        // One text parameter rather than three arrays: array parameters cost a fresh process ~100 ms on its first completion.
        Add(command, "@log", new JsonArray([.. completion.Log.Select(l => new JsonObject
        {
            ["at"] = ToMicroseconds(l.At), ["level"] = StoreText.From(l.Level), ["message"] = l.Message,
        })]).ToJsonString());
        Add(command, "@ended_type", RunEndEventType(completion.Status));
        Add(command, "@status_members", Members(("status", StoreText.From(completion.Status))));
        Add(command, "@message_members", Members(("message", completion.Message)));
        Add(command, "@counter_members", Members(
            ("creates", summary?.Creates), ("updates", summary?.Updates), ("deletes", summary?.Deletes), ("unchanged", summary?.Unchanged),
            ("source_revision", completion.SourceRevision), ("verification_passed", completion.VerificationPassed),
            ("revision", completion.Revision), ("commit_sha", completion.CommitSha), ("changed", completion.Changed)));
        Add(command, "@changed_type", EventTypes.ItemsChanged);
        Add(command, "@items_changed", completion.Status == RunStatus.Succeeded && summary is { Total: > 0 });
        Add(command, "@change_members", Members(
            ("creates", summary?.Creates), ("updates", summary?.Updates), ("deletes", summary?.Deletes), ("bytes", summary?.BytesToWrite)));
    }

    // The members of a JSON object as the shared code writes them (nulls left out), each after a comma.
    private static string Members(params (string Key, JsonNode? Value)[] members)
    {
        const string Head = "{\"run_id\":0,\"target\":\"\"";
        return RunData(0, "", members).ToJsonString()[Head.Length..^1];
    }
}
