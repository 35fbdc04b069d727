using System.Globalization;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <summary>SQL for the seconds from column <paramref name="from"/> to column <paramref name="to"/> (SQLite's text times by default).</summary>
    protected virtual string SecondsBetweenSql(string from, string to) => $"((julianday({to}) - julianday({from})) * 86400.0)";

    /// <inheritdoc />
    public async Task<RunStatistics> GetRunStatisticsAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        var groups = new List<RunGroupStatistics>();
        var seconds = SecondsBetweenSql("started_at", "finished_at");
        await using (var group = Command(connection,
            $"SELECT target, status, COUNT(*), SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN {seconds} ELSE 0 END), " +
            "SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN 1 ELSE 0 END) FROM runs" +
            (since is null ? string.Empty : " WHERE queued_at >= @since") + " GROUP BY target, status ORDER BY target, status"))
        {
            if (since is { } from)
            {
                Add(group, "@since", ToDbTime(from));
            }

            await using var reader = await group.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                groups.Add(new RunGroupStatistics(
                    reader.GetString(0), StoreText.ToRunStatus(reader.GetString(1)), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
                    reader.IsDBNull(3) ? 0 : Math.Max(0, Convert.ToDouble(reader.GetValue(3), CultureInfo.InvariantCulture)),
                    reader.IsDBNull(4) ? 0 : Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture)));
            }
        }

        await using var queue = Command(connection, "SELECT COUNT(*), MIN(not_before) FROM runs WHERE status = 'queued' AND not_before <= @now");
        Add(queue, "@now", ToDbTime(now));
        await using var queueReader = await queue.ExecuteReaderAsync(cancellationToken);
        await queueReader.ReadAsync(cancellationToken);
        var depth = Convert.ToInt32(queueReader.GetValue(0), CultureInfo.InvariantCulture);
        return new RunStatistics(groups, depth, queueReader.IsDBNull(1) ? null : ReadTime(queueReader, 1));
    }
}
