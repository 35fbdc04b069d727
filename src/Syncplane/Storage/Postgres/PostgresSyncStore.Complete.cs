using System.Data.Common;
using System.Text.Json.Nodes;
using Syncplane.Events;

namespace Syncplane.Storage.Postgres;

internal sealed partial class PostgresSyncStore
{
    private const int CompleteTries = 3;

    // The completion, its log lines and its events in one statement. The events' data is the shared code's
    // (same keys, same order), built here around the values that come from the run's row.
    private const string CompleteLeasedSql =
        "WITH done AS (UPDATE runs SET " + CompletionSetSql + " WHERE id = @id AND status = 'running' AND fence = @fence " +
        "RETURNING target, attempt, trigger, started_at, dry_run), " +
        "logged AS (INSERT INTO run_logs (run_id, seq, at, level, message) " +
        "SELECT @id, (SELECT COALESCE(MAX(seq), 0) FROM run_logs WHERE run_id = @id) + l.n, l.at, l.level, l.message " +
        "FROM done, unnest(@log_at, @log_level, @log_message) WITH ORDINALITY AS l(at, level, message, n)), " +
        "ended AS (INSERT INTO events (at, type, target, run_id, data) SELECT @now, e.type, e.target, @id, e.data FROM (" +
        "SELECT 1 AS n, @ended_type AS type, target, '{\"run_id\":' || @id || ',\"target\":' || to_json(target)::text || @status_members || " +
        "',\"attempt\":' || attempt || ',\"trigger\":' || to_json(trigger)::text || ',\"dry_run\":' || dry_run::text || @message_members || " +
        "COALESCE(',\"duration_ms\":' || GREATEST(0, floor(EXTRACT(EPOCH FROM (@now - started_at)) * 1000))::bigint, '') || @counter_members || '}' AS data FROM done " +
        "UNION ALL SELECT 2, @changed_type, target, '{\"run_id\":' || @id || ',\"target\":' || to_json(target)::text || @change_members || '}' " +
        "FROM done WHERE @items_changed AND NOT dry_run) e ORDER BY e.n) " +
        "SELECT 1 FROM done";

    /// <inheritdoc />
    /// <remarks>
    /// One statement, so one round trip in autocommit. Two appenders could number log lines alike (the
    /// statement's snapshot predates the row lock it waits for): the key refuses the second, which tries again.
    /// </remarks>
    private protected override async Task<bool> CompleteLeasedRunAsync(long runId, long fence, RunCompletion completion, CancellationToken cancellationToken)
    {
        var summary = completion.Summary;
        for (var turn = 1; ; turn++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var complete = Command(connection, CompleteLeasedSql);
            AddCompletionParameters(complete, runId, completion, Time.GetUtcNow());
            Add(complete, "@log_at", completion.Log.Select(l => ToMicroseconds(l.At)).ToArray());
            Add(complete, "@log_level", completion.Log.Select(l => StoreText.From(l.Level)).ToArray());
            Add(complete, "@log_message", completion.Log.Select(l => l.Message).ToArray());
            Add(complete, "@ended_type", RunEndEventType(completion.Status));
            Add(complete, "@status_members", Members(("status", StoreText.From(completion.Status))));
            Add(complete, "@message_members", Members(("message", completion.Message)));
            Add(complete, "@counter_members", Members(
                ("creates", summary?.Creates), ("updates", summary?.Updates), ("deletes", summary?.Deletes), ("unchanged", summary?.Unchanged),
                ("source_revision", completion.SourceRevision), ("verification_passed", completion.VerificationPassed)));
            Add(complete, "@changed_type", EventTypes.ItemsChanged);
            Add(complete, "@items_changed", completion.Status == RunStatus.Succeeded && summary is { Total: > 0 });
            Add(complete, "@change_members", Members(
                ("creates", summary?.Creates), ("updates", summary?.Updates), ("deletes", summary?.Deletes), ("bytes", summary?.BytesToWrite)));
            try
            {
                if (await complete.ExecuteScalarAsync(cancellationToken) is null or DBNull)
                {
                    return await RunMissingAsync(connection, null, runId, cancellationToken);
                }

                EventSignal.Pulse();
                return true;
            }
            catch (DbException ex) when (IsUniqueViolation(ex) && turn < CompleteTries)
            {
                // Another appender numbered its lines first: the next statement sees them.
            }
        }
    }

    // The members of a JSON object, as the shared code writes them (nulls left out), each after a comma.
    private static string Members(params (string Key, JsonNode? Value)[] members)
    {
        var json = RunData(0, "", members).ToJsonString();
        var prefix = "{\"run_id\":0,\"target\":\"\"".Length;
        return json[prefix..^1];
    }
}
