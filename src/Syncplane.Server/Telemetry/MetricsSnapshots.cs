using Syncplane.Events;

namespace Syncplane.Server.Telemetry;

/// <summary>
/// Keeps the store's run statistics in memory for the metric instruments, so a scrape reads memory and never the store.
/// Retaken when run events reach the node's event hub (from any node: they come from the store) and at least every
/// <see cref="MetricsOptions.RefreshInterval"/> (a queued run that falls due emits no event).
/// </summary>
internal sealed class MetricsSnapshots(ServerContext context, MetricsOptions options)
{
    // Events that change what the metrics count; progress events do not.
    private static readonly EventFilter RunChanges = new([],
    [
        EventTypes.RunQueued, EventTypes.RunStarted, EventTypes.RunSucceeded, EventTypes.RunFailed, EventTypes.RunRefused,
        EventTypes.RunCancelled, EventTypes.RunRequeued, EventTypes.RunWaiting,
    ]);

    private volatile MetricsSnapshot? _latest;
    private EventSubscription? _first;

    /// <summary>The latest snapshot; null until the first one is taken (the instruments then report nothing).</summary>
    public MetricsSnapshot? Latest => _latest;

    /// <summary>Takes the first snapshot, following run events from just before it; a node serves metrics from its start.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _first = context.Events.Subscribe(RunChanges);
        return RefreshAsync(cancellationToken);
    }

    /// <summary>Follows run events and the refresh interval until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            for (var fresh = _first is not null; !stopping.IsCancellationRequested; fresh = false)
            {
                using var subscription = _first ?? context.Events.Subscribe(RunChanges);
                _first = null;
                try
                {
                    if (!await FollowAsync(subscription, refresh: !fresh, stopping))
                    {
                        return; // the hub stopped
                    }
                }
                catch (SlowSubscriberException)
                {
                    // Dropped behind a burst: subscribe again; the next snapshot counts everything anyway.
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> FollowAsync(EventSubscription subscription, bool refresh, CancellationToken stopping)
    {
        for (; ; refresh = true)
        {
            var taking = context.Time.GetTimestamp();
            if (refresh)
            {
                await RefreshAsync(stopping);
            }

            // A busy queue emits events all the time: snapshots keep the store busy at most a fifth of the time.
            var settle = TimeSpan.FromTicks(Math.Max(options.EventSettle.Ticks, context.Time.GetElapsedTime(taking).Ticks * 4));
            using (var interval = new CancellationTokenSource(options.RefreshInterval, context.Time))
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping, interval.Token))
            {
                try
                {
                    if (!await subscription.Reader.WaitToReadAsync(wait.Token))
                    {
                        return false;
                    }

                    // A burst of events (a webhook that queues many runs) is one snapshot, not one per event.
                    await Task.Delay(settle, context.Time, stopping);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    // The interval passed without a run event.
                }
            }

            while (subscription.Reader.TryRead(out _))
            {
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Rollups and index seeks only: a snapshot costs milliseconds with a million stored runs, so it is retaken on every burst of run events.
            var (statistics, facts) = await context.Store.ReadRunSnapshotAsync(cancellationToken);
            _latest = new MetricsSnapshot(statistics, context.Config.Targets, facts, context.Time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is unreachable: keep serving the last snapshot (its age is a metric) and try again on the next event or interval.
        }
    }
}
