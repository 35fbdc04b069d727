using Syncplane.Storage.Rollups;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    // Finished runs past the cutoff, except each target's newest run of every status (real and dry apart):
    // they carry its status, last error and last good run.
    private const string PrunableRuns =
        "SELECT id FROM runs WHERE status IN ('succeeded', 'failed', 'refused', 'cancelled') AND finished_at < @runs " +
        "AND id NOT IN (SELECT MAX(id) FROM runs GROUP BY target, status, dry_run)";

    /// <inheritdoc />
    /// <remarks>One transaction; several nodes may prune at once (a delete is idempotent).</remarks>
    public async Task<PruneResult> PruneAsync(RetentionPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await FoldRunRollupsAsync(connection, cancellationToken); // pending runs reach their hours before old hours are pruned
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        async Task<int> DeleteAsync(string sql, string parameter, TimeSpan keep)
        {
            await using var delete = Command(transaction, sql);
            Add(delete, parameter, ToDbTime(now - keep));
            return await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var logs = await DeleteAsync($"DELETE FROM run_logs WHERE run_id IN ({PrunableRuns})", "@runs", policy.Runs);
        var runs = await DeleteAsync($"DELETE FROM runs WHERE id IN ({PrunableRuns})", "@runs", policy.Runs);
        var events = await DeleteAsync("DELETE FROM events WHERE at < @at", "@at", policy.Events);
        var checks = await DeleteAsync(
            "DELETE FROM check_results WHERE checked_at < @at AND id NOT IN (SELECT MAX(id) FROM check_results GROUP BY name)", "@at", policy.CheckResults);
        var deliveries = await DeleteAsync("DELETE FROM webhook_deliveries WHERE received_at < @at", "@at", policy.WebhookDeliveries);

        // A key's last event time guards against older events as long as its message ids guard against redelivery.
        var eventTimes = await DeleteAsync("DELETE FROM record_event_times WHERE observed_at < @at", "@at", policy.WebhookDeliveries);
        var hourly = 0;
        foreach (var table in (string[])["run_rollups", "check_rollups", "rollup_buckets"])
        {
            hourly += await DeleteAsync($"DELETE FROM {table} WHERE period = 'hour' AND period_start < @at", "@at", policy.HourlyRollups);
        }

        await transaction.CommitAsync(cancellationToken);
        return new PruneResult(runs, logs, events, checks, deliveries, hourly) { RecordEventTimes = eventTimes };
    }
}
