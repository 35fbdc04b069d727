using System.Data.Common;
using System.Globalization;
using System.Text;
using Syncplane.Storage.Rollups;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private readonly ClosedPeriodCache _fleetRollups = new();

    private const string RunSums =
        "SUM(attempts), SUM(successes), SUM(failures), SUM(refusals), SUM(cancellations), SUM(changed_runs), SUM(items_written), " +
        "SUM(duration_count), SUM(duration_sum_ms), MAX(duration_max_ms), MAX(latency_max_ms), MAX(last_success_at)";

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRollup>> ReadRunRollupsAsync(RollupQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken);
        var rows = await ReadRunRollupSumsAsync(connection, query, cancellationToken);
        if (query.Subject is null && !query.PerTarget)
        {
            return rows; // summed over every target, percentiles would read every target's histograms: a fleet series has counts and maxima only
        }

        var buckets = await ReadBucketsAsync(connection, query, ["run_duration", "run_latency"], cancellationToken);
        var before = await ReadLastSuccessBeforeAsync(connection, query, cancellationToken);
        var result = new List<RunRollup>(rows.Count);
        foreach (var row in rows)
        {
            var key = row.Target ?? "";
            var durations = buckets.GetValueOrDefault(("run_duration", key, row.PeriodStart)) ?? [];
            var latencies = buckets.GetValueOrDefault(("run_latency", key, row.PeriodStart)) ?? [];
            var lastSuccess = before[key] = Later(row.LastSuccessAt, before.GetValueOrDefault(key));
            result.Add(row with
            {
                DurationP50Ms = RollupHistogram.Percentile(durations, 50, row.DurationMaxMs ?? 0),
                DurationP95Ms = RollupHistogram.Percentile(durations, 95, row.DurationMaxMs ?? 0),
                LatencyP50Ms = RollupHistogram.Percentile(latencies, 50, row.LatencyMaxMs ?? 0),
                LatencyP95Ms = RollupHistogram.Percentile(latencies, 95, row.LatencyMaxMs ?? 0),
                LastSuccessAt = lastSuccess,
            });
        }

        return result;
    }

    // The summed rows of a query on a folded connection; a fleet series (every target summed) reads its closed periods from memory.
    private Task<IReadOnlyList<RunRollup>> ReadRunRollupSumsAsync(DbConnection connection, RollupQuery query, CancellationToken cancellationToken) =>
        query.Subject is null && !query.PerTarget
            ? _fleetRollups.ReadAsync(query, (q, ct) => ReadRunRollupRowsAsync(connection, q, ct), Time.GetUtcNow(), cancellationToken)
            : ReadRunRollupRowsAsync(connection, query, cancellationToken);

    private async Task<IReadOnlyList<RunRollup>> ReadRunRollupRowsAsync(DbConnection connection, RollupQuery query, CancellationToken cancellationToken)
    {
        var keyed = query.Subject is not null || query.PerTarget;
        var rows = new List<RunRollup>();
        await using var read = RollupCommand(connection, query, "run_rollups", "target", RunSums);
        await using var r = await read.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            rows.Add(new RunRollup
            {
                Target = keyed ? r.GetString(0) : null,
                PeriodStart = ReadTime(r, 1),
                Attempts = Long(r, 2), Successes = Long(r, 3), Failures = Long(r, 4), Refusals = Long(r, 5), Cancellations = Long(r, 6),
                RunsWithChanges = Long(r, 7), ItemsWritten = Long(r, 8), DurationCount = Long(r, 9), DurationSumMs = Long(r, 10),
                DurationMaxMs = Long(r, 9) > 0 ? Long(r, 11) : null, LatencyMaxMs = Long(r, 9) > 0 ? Long(r, 12) : null,
                LastSuccessAt = keyed && !r.IsDBNull(13) ? ReadTime(r, 13) : null,
            });
        }

        return rows;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CheckRollup>> ReadCheckRollupsAsync(RollupQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        var keyed = query.Subject is not null || query.PerTarget;
        var rows = new List<CheckRollup>();
        await using (var read = RollupCommand(connection, query, "check_rollups", "check_name",
            "SUM(samples), SUM(healthy), SUM(degraded), SUM(down), SUM(unknown), MAX(latency_max_ms)"))
        {
            await using var r = await read.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                rows.Add(new CheckRollup
                {
                    Check = keyed ? r.GetString(0) : null, PeriodStart = ReadTime(r, 1),
                    Samples = Long(r, 2), Healthy = Long(r, 3), Degraded = Long(r, 4), Down = Long(r, 5), Unknown = Long(r, 6), LatencyMaxMs = Long(r, 7),
                });
            }
        }

        var buckets = await ReadBucketsAsync(connection, query, ["check_latency"], cancellationToken);
        return [.. rows.Select(row =>
        {
            var latencies = buckets.GetValueOrDefault(("check_latency", row.Check ?? "", row.PeriodStart)) ?? [];
            var max = row.LatencyMaxMs ?? 0;
            return row with
            {
                LatencyP50Ms = RollupHistogram.Percentile(latencies, 50, max),
                LatencyP95Ms = RollupHistogram.Percentile(latencies, 95, max),
                LatencyP99Ms = RollupHistogram.Percentile(latencies, 99, max),
            };
        })];
    }

    /// <inheritdoc />
    public async Task<RunRollup> SummarizeRunsAsync(string? target, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        var query = new RollupQuery(RollupPeriod.Hour, RollupQuery.Floor(windowStart, RollupPeriod.Hour), windowEnd, target);
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken);
        var hours = await ReadRunRollupSumsAsync(connection, query, cancellationToken);
        var buckets = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        foreach (var ((kind, _, _), counts) in await ReadBucketsAsync(connection, query, ["run_duration", "run_latency"], cancellationToken))
        {
            var merged = buckets.TryGetValue(kind, out var m) ? m : buckets[kind] = [];
            foreach (var (bucket, count) in counts)
            {
                merged[bucket] = merged.GetValueOrDefault(bucket) + count;
            }
        }

        // Hour rows up to the one that holds 'end': a success within that hour counts as before it.
        var lastSuccess = target is null ? null
            : (await ReadLastSuccessBeforeAsync(connection, query with { From = windowEnd + TimeSpan.FromHours(1) }, cancellationToken)).GetValueOrDefault(target);
        var sum = RunRollup.Sum(hours, query.From, target);
        var durations = buckets.GetValueOrDefault("run_duration") ?? [];
        var latencies = buckets.GetValueOrDefault("run_latency") ?? [];
        return sum with
        {
            DurationP50Ms = RollupHistogram.Percentile(durations, 50, sum.DurationMaxMs ?? 0), DurationP95Ms = RollupHistogram.Percentile(durations, 95, sum.DurationMaxMs ?? 0),
            LatencyP50Ms = RollupHistogram.Percentile(latencies, 50, sum.LatencyMaxMs ?? 0), LatencyP95Ms = RollupHistogram.Percentile(latencies, 95, sum.LatencyMaxMs ?? 0),
            LastSuccessAt = lastSuccess,
        };
    }

    // Per subject (or "" for all), the last success in the periods that start before the query's From.
    private async Task<Dictionary<string, DateTimeOffset?>> ReadLastSuccessBeforeAsync(DbConnection connection, RollupQuery query, CancellationToken cancellationToken)
    {
        var day = RollupQuery.Floor(query.From, RollupPeriod.Day);
        var (rollups, subject) = query.Subject is null ? ("run_rollups", "") : (OneTargetsRunRollups, " AND target = @subject");
        await using var read = Command(connection,
            $"SELECT target, MAX(last_success_at) FROM (SELECT target, last_success_at FROM {rollups} WHERE period = 'day' AND period_start < @day{subject} " +
            $"UNION ALL SELECT target, last_success_at FROM {rollups} WHERE period = 'hour' AND period_start >= @day AND period_start < @from{subject}) x " +
            "WHERE last_success_at IS NOT NULL GROUP BY target");
        Add(read, "@day", ToDbTime(day));
        Add(read, "@from", ToDbTime(query.From));
        if (query.Subject is not null)
        {
            Add(read, "@subject", query.Subject);
        }

        var found = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        await using var r = await read.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            found[r.GetString(0)] = ReadTime(r, 1);
        }

        return found;
    }

    /// <summary>
    /// <c>run_rollups</c> as read for one target: through <c>run_rollups_by_target</c> (target, period, start). SQLite takes the
    /// primary key (period, start, target) instead when it has no statistics of the table, and reads every target's rows of the range.
    /// </summary>
    private protected virtual string OneTargetsRunRollups => "run_rollups";

    private DbCommand RollupCommand(DbConnection connection, RollupQuery query, string table, string key, string sums)
    {
        var keyed = query.Subject is not null || query.PerTarget;
        var from = query.Subject is not null && table == "run_rollups" ? OneTargetsRunRollups : table;
        var sql = new StringBuilder($"SELECT {(keyed ? key : "''")}, period_start, {sums} FROM {from} WHERE period = @period AND period_start >= @from AND period_start < @to");
        sql.Append(query.Subject is null ? "" : $" AND {key} = @subject");
        sql.Append(keyed ? $" GROUP BY {key}, period_start ORDER BY {key}, period_start" : " GROUP BY period_start ORDER BY period_start");
        var command = Command(connection, sql.ToString());
        AddRollupParameters(command, query);
        return command;
    }

    private void AddRollupParameters(DbCommand command, RollupQuery query)
    {
        Add(command, "@period", query.PeriodText);
        Add(command, "@from", ToDbTime(query.From));
        Add(command, "@to", ToDbTime(query.To));
        if (query.Subject is not null)
        {
            Add(command, "@subject", query.Subject);
        }
    }

    // Bucket counts per (kind, subject or "" when summed, period start).
    private async Task<Dictionary<(string Kind, string Subject, DateTimeOffset Start), Dictionary<int, long>>> ReadBucketsAsync(
        DbConnection connection, RollupQuery query, string[] kinds, CancellationToken cancellationToken)
    {
        var keyed = query.Subject is not null || query.PerTarget;
        var kindList = string.Join(", ", kinds.Select(k => $"'{k}'"));
        await using var read = Command(connection,
            $"SELECT kind, {(keyed ? "subject" : "''")}, period_start, bucket, SUM(count) FROM rollup_buckets WHERE kind IN ({kindList}) " +
            "AND period = @period AND period_start >= @from AND period_start < @to" + (query.Subject is null ? "" : " AND subject = @subject") +
            (keyed ? " GROUP BY kind, subject, period_start, bucket" : " GROUP BY kind, period_start, bucket"));
        AddRollupParameters(read, query);
        var buckets = new Dictionary<(string, string, DateTimeOffset), Dictionary<int, long>>();
        await using var r = await read.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var key = (r.GetString(0), r.GetString(1), ReadTime(r, 2));
            var counts = buckets.TryGetValue(key, out var c) ? c : buckets[key] = [];
            counts[Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture)] = Long(r, 4);
        }

        return buckets;
    }

    private static long Long(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
