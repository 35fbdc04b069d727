using System.Data.Common;
using System.Globalization;
using Syncplane.Storage.Rollups;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private static readonly (RunStatus Status, int Ordinal)[] FinishedColumns =
        [(RunStatus.Succeeded, 1), (RunStatus.Failed, 2), (RunStatus.Refused, 3), (RunStatus.Cancelled, 4)];

    /// <inheritdoc />
    public async Task<RunStatistics> GetRunStatisticsAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken);
        return await ReadRunStatisticsAsync(connection, since, await ReadActiveRunsAsync(connection, null, since, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunSnapshot> ReadRunSnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken);
        var active = await ReadActiveRunsAsync(connection, null, null, cancellationToken);
        return new RunSnapshot(
            await ReadRunStatisticsAsync(connection, null, active, cancellationToken), await ReadTargetFactsAsync(connection, null, active, cancellationToken));
    }

    // Finished runs from the rollups (folded), queued and running ones from 'active', and the due queue.
    private async Task<RunStatistics> ReadRunStatisticsAsync(DbConnection connection, DateTimeOffset? since, IReadOnlyList<ActiveRun> active, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var groups = new List<RunGroupStatistics>();
        var durations = new List<RunDurationStatistics>();
        await using (var finished = Command(connection,
            "SELECT target, SUM(successes), SUM(failures), SUM(refusals), SUM(cancellations), SUM(duration_sum_ms), SUM(duration_count) FROM run_rollups " +
            (since is null ? "WHERE period = 'total'" : "WHERE period = 'hour' AND period_start >= @since") + " GROUP BY target ORDER BY target"))
        {
            if (since is { } from)
            {
                Add(finished, "@since", ToDbTime(RollupQuery.Floor(from, RollupPeriod.Hour)));
            }

            await using var reader = await finished.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var target = reader.GetString(0);
                groups.AddRange(FinishedColumns.Where(c => Long(reader, c.Ordinal) > 0).Select(c => new RunGroupStatistics(target, c.Status, Long(reader, c.Ordinal))));
                if (Long(reader, 6) > 0)
                {
                    durations.Add(new RunDurationStatistics(target, Long(reader, 5) / 1000.0, Long(reader, 6)));
                }
            }
        }

        groups.AddRange(active.GroupBy(a => (a.Target, a.Status)).OrderBy(g => g.Key.Target, StringComparer.Ordinal).ThenBy(g => g.Key.Status)
            .Select(g => new RunGroupStatistics(g.Key.Target, g.Key.Status, g.Count())));
        await using var queue = Command(connection, "SELECT COUNT(*), MIN(not_before) FROM runs WHERE status = 'queued' AND not_before <= @now");
        Add(queue, "@now", ToDbTime(now));
        await using var queueReader = await queue.ExecuteReaderAsync(cancellationToken);
        await queueReader.ReadAsync(cancellationToken);
        var depth = Convert.ToInt32(queueReader.GetValue(0), CultureInfo.InvariantCulture);
        return new RunStatistics(groups, durations, depth, queueReader.IsDBNull(1) ? null : ReadTime(queueReader, 1));
    }

    private sealed record ActiveRun(string Target, RunStatus Status, DateTimeOffset? AttemptErrorAt);

    // Queued and running runs (queued at or after 'since' when given; only 'target''s when given): one partial index each, since with
    // ANALYZE statistics SQLite takes "status IN ('queued', 'running')" for a third of the runs and scans them all.
    private async Task<IReadOnlyList<ActiveRun>> ReadActiveRunsAsync(DbConnection connection, string? target, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var filter = (since is null ? "" : " AND queued_at >= @since") + (target is null ? "" : " AND target = @target");
        await using var read = Command(connection,
            $"SELECT target, status, attempt_error_at FROM runs WHERE status = 'queued'{filter} " +
            $"UNION ALL SELECT target, status, attempt_error_at FROM runs WHERE status = 'running'{filter}");
        if (since is { } from)
        {
            Add(read, "@since", ToDbTime(from));
        }

        if (target is not null)
        {
            Add(read, "@target", target);
        }

        var active = new List<ActiveRun>();
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            active.Add(new ActiveRun(reader.GetString(0), StoreText.ToRunStatus(reader.GetString(1)), reader.IsDBNull(2) ? null : ReadTime(reader, 2)));
        }

        return active;
    }
}
