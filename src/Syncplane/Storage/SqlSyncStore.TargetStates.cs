using System.Data.Common;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <summary>
    /// One row per target that has runs: counts and latest instants by conditional aggregates, then the
    /// last failed and last finished runs joined back for the last error and the status.
    /// </summary>
    /// <param name="filter">Empty for every target, or <c>WHERE target = @target</c> for one.</param>
    private static string TargetStatesSql(string filter) => $"""
        WITH agg AS (
            SELECT target,
                SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running,
                SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END) AS queued,
                SUM(CASE WHEN status NOT IN ('queued', 'running') THEN 1 ELSE 0 END) AS total,
                SUM(CASE WHEN status = 'succeeded' AND NOT dry_run
                         AND (COALESCE(creates, 0) + COALESCE(updates, 0) + COALESCE(deletes, 0) > 0 OR outputs_created <> '[]') THEN 1 ELSE 0 END) AS changed,
                MAX(started_at) AS last_attempted,
                MAX(finished_at) AS last_completed,
                MAX(CASE WHEN status = 'succeeded' AND NOT dry_run
                         AND (COALESCE(creates, 0) + COALESCE(updates, 0) + COALESCE(deletes, 0) > 0 OR outputs_created <> '[]') THEN finished_at END) AS last_changed,
                MAX(CASE WHEN status = 'succeeded' AND NOT dry_run THEN id END) AS last_good,
                MAX(CASE WHEN status = 'failed' THEN id END) AS last_failed,
                MAX(CASE WHEN finished_at IS NOT NULL THEN id END) AS last_finished,
                COALESCE(MAX(CASE WHEN status = 'running' THEN id END), MAX(CASE WHEN status = 'queued' THEN id END)) AS current,
                MAX(CASE WHEN attempt_error_at IS NOT NULL THEN id END) AS last_attempt_failed
            FROM runs {filter} GROUP BY target)
        SELECT agg.target, agg.running, agg.queued, agg.total, agg.changed, agg.last_attempted, agg.last_completed,
            agg.last_changed, agg.last_good, failed.message, finished.status,
            (SELECT COUNT(*) FROM runs c WHERE c.target = agg.target AND c.status = 'failed' AND c.id > COALESCE(agg.last_good, 0)),
            good.finished_at, failed.finished_at, failed.id,
            cur.status, cur.attempt, cur.not_before, cur.attempt_error, cur.attempt_error_at, cur.wait_reason, cur.wait_until,
            erred.attempt_error, erred.attempt_error_at,
            finished.id, finished.message, finished.finished_at, cur.id
        FROM agg
        LEFT JOIN runs good ON good.id = agg.last_good
        LEFT JOIN runs failed ON failed.id = agg.last_failed
        LEFT JOIN runs finished ON finished.id = agg.last_finished
        LEFT JOIN runs cur ON cur.id = agg.current
        LEFT JOIN runs erred ON erred.id = agg.last_attempt_failed
        """;

    /// <inheritdoc />
    /// <remarks>
    /// Total runs counts finished runs (a queued or running one is not a run yet). Runs with changes, last
    /// changed and last good count only succeeded runs that were not dry runs: a refused or dry run planned
    /// changes but wrote none. Status: for a running run, waiting while it waits in place for a rate-limit
    /// token or a <c>Retry-After</c>, else syncing; for a queued one (when none runs), retrying after a failed
    /// attempt, waiting while something other than a failure holds it back (a postponement, a window, a
    /// dependency), else queued; with neither, error when the last finished run failed, else idle.
    /// Consecutive failures are failed runs since the last good run (refused and cancelled runs neither
    /// count nor reset). Ordered by target name (ordinal).
    /// </remarks>
    public Task<IReadOnlyList<TargetState>> ListTargetStatesAsync(CancellationToken cancellationToken) =>
        ReadTargetStatesAsync(target: null, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The same figures as <see cref="ListTargetStatesAsync"/>, read through the runs-by-target index for one target.</remarks>
    public async Task<TargetState?> GetTargetStateAsync(string target, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        return (await ReadTargetStatesAsync(target, cancellationToken)).SingleOrDefault();
    }

    // Every target's state, or only that of 'target' when it is not null.
    private async Task<IReadOnlyList<TargetState>> ReadTargetStatesAsync(string? target, CancellationToken cancellationToken)
    {
        var filter = target is null ? "" : "WHERE target = @target";
        var states = new SortedDictionary<string, TargetState>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(cancellationToken);
        await using (var query = Command(connection, TargetStatesSql(filter)))
        {
            if (target is not null)
            {
                Add(query, "@target", target);
            }

            var now = Time.GetUtcNow();
            await using var r = await query.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var name = r.GetString(0);
                var current = ReadCurrentRun(r, 15, now);
                var status = current?.Status ?? (!r.IsDBNull(10) && r.GetString(10) == "failed" ? "error" : "idle");
                states[name] = new TargetState
                {
                    Target = name,
                    Status = status,
                    Current = current,
                    LastErrorAt = r.IsDBNull(13) ? null : ReadTime(r, 13),
                    LastFailedRunId = r.IsDBNull(14) ? null : r.GetInt64(14),
                    LastAttemptError = r.IsDBNull(22) ? null : r.GetString(22),
                    LastAttemptErrorAt = r.IsDBNull(23) ? null : ReadTime(r, 23),
                    TotalRuns = ReadCount(r, 3),
                    RunsWithChanges = ReadCount(r, 4),
                    LastAttemptedAt = r.IsDBNull(5) ? null : ReadTime(r, 5),
                    LastCompletedAt = r.IsDBNull(6) ? null : ReadTime(r, 6),
                    LastChangedAt = r.IsDBNull(7) ? null : ReadTime(r, 7),
                    LastGoodRunId = r.IsDBNull(8) ? null : r.GetInt64(8),
                    LastError = r.IsDBNull(9) ? null : r.GetString(9),
                    ConsecutiveFailures = ReadCount(r, 11),
                    LastSucceededAt = r.IsDBNull(12) ? null : ReadTime(r, 12),
                    LastFinishedRun = r.IsDBNull(24) ? null
                        : new FinishedRun(r.GetInt64(24), r.GetString(10), r.IsDBNull(25) ? null : r.GetString(25), r.IsDBNull(26) ? null : ReadTime(r, 26)),
                    CurrentRunId = r.IsDBNull(27) ? null : r.GetInt64(27),
                };
            }
        }

        foreach (var settings in await ReadSettingsAsync(connection, filter, target, cancellationToken))
        {
            var state = states.GetValueOrDefault(settings.Target) ?? new TargetState { Target = settings.Target, Status = "idle" };
            states[settings.Target] = state with { FrequencyOverride = settings.FrequencyOverride, PausedReason = settings.PausedReason };
        }

        return [.. states.Values];
    }

    // The queued or running run's columns from 'first' on: status, attempt, not_before, attempt_error(_at), wait_reason, wait_until.
    private CurrentRun? ReadCurrentRun(DbDataReader r, int first, DateTimeOffset now)
    {
        if (r.IsDBNull(first))
        {
            return null;
        }

        var running = r.GetString(first) == "running";
        var attempt = r.GetInt32(first + 1);
        var notBefore = r.IsDBNull(first + 2) ? (DateTimeOffset?)null : ReadTime(r, first + 2);
        var error = r.IsDBNull(first + 3) ? null : r.GetString(first + 3);
        var errorAt = r.IsDBNull(first + 4) ? (DateTimeOffset?)null : ReadTime(r, first + 4);
        var waitReason = r.IsDBNull(first + 5) ? null : r.GetString(first + 5);
        var waitUntil = r.IsDBNull(first + 6) ? (DateTimeOffset?)null : ReadTime(r, first + 6);
        string status;
        if (running)
        {
            status = waitReason is not null && waitUntil > now ? "waiting" : "syncing";
        }
        else
        {
            // A queued run's attempt counts those made; the next one is attempt + 1.
            attempt++;
            status = waitReason is not null && notBefore > now ? "waiting" : attempt > 1 && error is not null && waitReason is null ? "retrying" : "queued";
            waitUntil = notBefore;
        }

        return new CurrentRun(status, attempt, status == "retrying" ? notBefore : null, error, errorAt,
            status == "waiting" ? waitReason : null, status == "waiting" ? waitUntil : null);
    }

    /// <inheritdoc />
    /// <remarks>Ordered by target name (ordinal), as <see cref="ListTargetStatesAsync"/>.</remarks>
    public async Task<IReadOnlyList<TargetSettings>> ListTargetSettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadSettingsAsync(connection, filter: "", target: null, cancellationToken);
    }

    private static async Task<List<TargetSettings>> ReadSettingsAsync(DbConnection connection, string filter, string? target, CancellationToken cancellationToken)
    {
        var list = new List<TargetSettings>();
        await using var query = Command(connection, $"SELECT target, frequency_override, paused_reason FROM target_settings {filter}");
        if (target is not null)
        {
            Add(query, "@target", target);
        }

        await using var r = await query.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new TargetSettings(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Target, b.Target));
        return list;
    }
}
