using Syncplane.Config;

namespace Syncplane.Storage.Rollups;

/// <summary>
/// Prunes raw history by the config's <see cref="RetentionPolicy"/>: at start, then every <see cref="RetentionPolicy.Interval"/>.
/// Several nodes may run it at once; a delete is idempotent.
/// </summary>
internal sealed class Retention(ISyncStore store, RetentionPolicy policy, TimeProvider time, Action<string>? log = null)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var pruned = await store.PruneAsync(policy, stopping);
                if (pruned.Total > 0)
                {
                    log?.Invoke("retention: " + Describe(pruned, policy));
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is unreachable; try again at the next interval.
            }

            try
            {
                await Task.Delay(policy.Interval, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>What a prune deleted, for logs and <c>syncplane prune</c>.</summary>
    public static string Describe(PruneResult pruned, RetentionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(pruned);
        ArgumentNullException.ThrowIfNull(policy);
        return $"deleted {pruned.Runs} run(s) and {pruned.LogLines} log line(s) older than {DurationParser.Format(policy.Runs)}, " +
               $"{pruned.Events} event(s) older than {DurationParser.Format(policy.Events)}, " +
               $"{pruned.CheckResults} check result(s) older than {DurationParser.Format(policy.CheckResults)}, " +
               $"{pruned.WebhookDeliveries} webhook delivery id(s) older than {DurationParser.Format(policy.WebhookDeliveries)}, " +
               $"{pruned.HourlyRollups} hourly rollup row(s) older than {DurationParser.Format(policy.HourlyRollups)}";
    }
}
