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
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken);
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

        var recent = since is null ? "" : " AND queued_at >= @since";
        await using (var active = Command(connection,
            // One partial index each: with ANALYZE statistics SQLite takes "status IN ('queued', 'running')" for a third of the runs and scans them all.
            $"SELECT target, status, COUNT(*) FROM runs WHERE status = 'queued'{recent} GROUP BY target, status " +
            $"UNION ALL SELECT target, status, COUNT(*) FROM runs WHERE status = 'running'{recent} GROUP BY target, status ORDER BY 1, 2"))
        {
            if (since is { } from)
            {
                Add(active, "@since", ToDbTime(from));
            }

            await using var reader = await active.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                groups.Add(new RunGroupStatistics(reader.GetString(0), StoreText.ToRunStatus(reader.GetString(1)), Long(reader, 2)));
            }
        }

        await using var queue = Command(connection, "SELECT COUNT(*), MIN(not_before) FROM runs WHERE status = 'queued' AND not_before <= @now");
        Add(queue, "@now", ToDbTime(now));
        await using var queueReader = await queue.ExecuteReaderAsync(cancellationToken);
        await queueReader.ReadAsync(cancellationToken);
        var depth = Convert.ToInt32(queueReader.GetValue(0), CultureInfo.InvariantCulture);
        return new RunStatistics(groups, durations, depth, queueReader.IsDBNull(1) ? null : ReadTime(queueReader, 1));
    }
}
