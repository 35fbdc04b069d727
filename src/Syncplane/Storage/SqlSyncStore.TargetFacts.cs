using System.Data.Common;
using Syncplane.Storage.Rollups;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, TargetFacts>> ListTargetFactsAsync(string? target, DateTimeOffset? windowStart, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken);
        var facts = await ReadTargetFactsAsync(connection, target, await ReadActiveRunsAsync(connection, target, null, cancellationToken), cancellationToken);
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

    // Per target with finished runs (folded) or active ones: its row of target_run_facts (TargetRunFacts), and whether its queued
    // or running run failed an attempt since the last success (the running run's attempt first).
    private async Task<Dictionary<string, TargetFacts>> ReadTargetFactsAsync(
        DbConnection connection, string? target, IReadOnlyList<ActiveRun> active, CancellationToken cancellationToken)
    {
        var attemptFailed = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var run in active.OrderBy(a => a.Status == RunStatus.Running))
        {
            if (run.AttemptErrorAt is { } at)
            {
                attemptFailed[run.Target] = at;
            }
        }

        var facts = new Dictionary<string, TargetFacts>(StringComparer.Ordinal);
        await using (var read = Command(connection,
            "SELECT target, success_at, failures, latest_queued_at, latest_started_at, latest_finished_at FROM target_run_facts" +
            (target is null ? "" : " WHERE target = @target")))
        {
            AddTarget(read, target);
            await using var r = await read.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var name = r.GetString(0);
                facts[name] = new TargetFacts(name, 0, 0, r.IsDBNull(3) ? null : ReadTime(r, 3), r.IsDBNull(4) ? null : ReadTime(r, 4),
                    r.IsDBNull(5) ? null : ReadTime(r, 5), r.IsDBNull(1) ? null : ReadTime(r, 1), (int)Long(r, 2));
            }
        }

        foreach (var run in active)
        {
            var known = facts.GetValueOrDefault(run.Target) ?? new TargetFacts(run.Target, 0, 0, null, null, null, null, 0);
            var retrying = attemptFailed.TryGetValue(run.Target, out var failedAt) && (known.LastSuccessAt is null || failedAt > known.LastSuccessAt);
            facts[run.Target] = known;
            if (retrying)
            {
                attemptFailed.Remove(run.Target); // once per target
                facts[run.Target] = known with { ConsecutiveFailures = known.ConsecutiveFailures + 1 };
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
