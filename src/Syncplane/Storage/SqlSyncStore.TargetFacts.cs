using System.Data.Common;
using Syncplane.Storage.Rollups;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    // Per target: its 'total' rollup's last success; failed runs since (a range of the (target, finished_at) index); the failed
    // attempt of its queued or running run (the partial one-per-target indexes: 'status = ...' each, since with ANALYZE statistics
    // SQLite takes "status IN ('queued', 'running')" for a third of the runs and scans them all); its latest finished real run (one index seek).
    private static string TargetFactsSql(string only) => $"""
        WITH subjects AS (
            SELECT target FROM run_rollups WHERE period = 'total'{only}
            UNION SELECT target FROM runs WHERE status = 'queued'{only} UNION SELECT target FROM runs WHERE status = 'running'{only})
        SELECT s.target, t.last_success_at,
            (SELECT COUNT(*) FROM runs f WHERE f.target = s.target AND f.finished_at > COALESCE(t.last_success_at, @never) AND f.status = 'failed'),
            (SELECT MAX(c.attempt_error_at) FROM runs c WHERE c.target = s.target AND c.status = 'queued'),
            (SELECT MAX(c.attempt_error_at) FROM runs c WHERE c.target = s.target AND c.status = 'running'),
            l.queued_at, l.started_at, l.finished_at
        FROM subjects s
        LEFT JOIN run_rollups t ON t.period = 'total' AND t.target = s.target
        LEFT JOIN runs l ON l.id = (SELECT x.id FROM runs x WHERE x.target = s.target AND x.finished_at IS NOT NULL AND NOT x.dry_run ORDER BY x.finished_at DESC LIMIT 1)
        """;

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, TargetFacts>> ListTargetFactsAsync(string? target, DateTimeOffset? windowStart, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken);
        var facts = new Dictionary<string, TargetFacts>(StringComparer.Ordinal);
        await using (var read = Command(connection, TargetFactsSql(target is null ? "" : " AND target = @target")))
        {
            Add(read, "@never", ToDbTime(DateTimeOffset.UnixEpoch));
            AddTarget(read, target);
            await using var r = await read.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                DateTimeOffset? lastSuccess = r.IsDBNull(1) ? null : ReadTime(r, 1);
                DateTimeOffset? attemptFailed = r.IsDBNull(4) ? r.IsDBNull(3) ? null : ReadTime(r, 3) : ReadTime(r, 4);
                var retrying = attemptFailed is { } failedAt && (lastSuccess is null || failedAt > lastSuccess) ? 1 : 0;
                var name = r.GetString(0);
                facts[name] = new TargetFacts(name, 0, 0, r.IsDBNull(5) ? null : ReadTime(r, 5), r.IsDBNull(6) ? null : ReadTime(r, 6),
                    r.IsDBNull(7) ? null : ReadTime(r, 7), lastSuccess, (int)Long(r, 2) + retrying);
            }
        }

        if (windowStart is { } start)
        {
            foreach (var (name, (succeeded, failed)) in await CountOutcomesSinceAsync(connection, target, start, cancellationToken))
            {
                facts[name] = facts.TryGetValue(name, out var known)
                    ? known with { Succeeded = succeeded, Failed = failed }
                    : new TargetFacts(name, succeeded, failed, null, null, null, null, 0);
            }
        }

        return facts;
    }

    // Succeeded and failed runs finished at or after 'start': hour rollups from the hour holding 'start', less the runs of that hour before it.
    private async Task<Dictionary<string, (int Succeeded, int Failed)>> CountOutcomesSinceAsync(
        DbConnection connection, string? target, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var hour = RollupQuery.Floor(start, RollupPeriod.Hour);
        var only = target is null ? "" : " AND h.target = @target";
        var counts = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        await using (var hours = Command(connection,
            $"SELECT h.target, SUM(h.successes), SUM(h.failures) FROM run_rollups h WHERE h.period = 'hour' AND h.period_start >= @hour{only} GROUP BY h.target"))
        {
            Add(hours, "@hour", ToDbTime(hour));
            AddTarget(hours, target);
            await using var r = await hours.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                counts[r.GetString(0)] = ((int)Long(r, 1), (int)Long(r, 2));
            }
        }

        if (start == hour)
        {
            return counts;
        }

        await using var before = Command(connection,
            "SELECT h.target, " +
            "(SELECT COUNT(*) FROM runs e WHERE e.target = h.target AND e.finished_at >= @hour AND e.finished_at < @start AND e.status = 'succeeded'), " +
            "(SELECT COUNT(*) FROM runs e WHERE e.target = h.target AND e.finished_at >= @hour AND e.finished_at < @start AND e.status = 'failed') " +
            $"FROM run_rollups h WHERE h.period = 'hour' AND h.period_start = @hour{only}");
        Add(before, "@hour", ToDbTime(hour));
        Add(before, "@start", ToDbTime(start));
        AddTarget(before, target);
        await using (var r = await before.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                var (succeeded, failed) = counts[r.GetString(0)];
                counts[r.GetString(0)] = (succeeded - (int)Long(r, 1), failed - (int)Long(r, 2));
            }
        }

        return counts;
    }

    private static void AddTarget(DbCommand command, string? target)
    {
        if (target is not null)
        {
            Add(command, "@target", target);
        }
    }
}
