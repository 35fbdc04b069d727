using Syncplane.Storage;

namespace Syncplane.Events;

/// <summary>
/// Publishes the store's event log to in-process subscribers, in id order, as events commit — on any node:
/// the store wakes the hub (PostgreSQL: LISTEN/NOTIFY), and the hub reads what is new.
/// </summary>
/// <remarks>
/// Events come only from the store, never from memory, so every node's subscribers see the same sequence.
/// A slow subscriber is dropped instead of stalling the others (<see cref="EventSubscription"/>).
/// </remarks>
public sealed class EventHub(ISyncStore store, TimeProvider time, EventHubOptions? options = null)
{
    private readonly EventHubOptions _options = options ?? new EventHubOptions();
    private readonly Lock _gate = new();
    private readonly List<EventSubscription> _subscribers = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _published;

    /// <summary>The id of the last event published (or skipped over as a gap).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Completes once the hub knows where the log ends and publishes from there.</summary>
    public Task Started => _started.Task;

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Starts a live feed of events published from now on.</summary>
    public EventSubscription Subscribe(EventFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            var subscription = new EventSubscription(this, filter, Published, _options.SubscriberBuffer);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Stored events in (<paramref name="afterId"/>, <paramref name="upTo"/>] that match <paramref name="filter"/>, oldest first, page by page.</summary>
    public async IAsyncEnumerable<SyncEvent> ReplayAsync(long afterId, long upTo, EventFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var cursor = afterId;
        while (cursor < upTo)
        {
            var page = await store.ReadEventsAsync(cursor, _options.BatchSize, cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var e in page)
            {
                if (e.Id > upTo)
                {
                    yield break;
                }

                if (filter.Matches(e))
                {
                    yield return e;
                }

                cursor = e.Id;
            }
        }
    }

    internal void Unsubscribe(EventSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
        }
    }

    /// <summary>Publishes until <paramref name="stopping"/> is cancelled; survives a store that is briefly unreachable.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        IDisposable? listening = null;
        try
        {
            await StartAsync(stopping);

            // This process's own commits are published as they commit, without reading them back; the store read
            // below still brings other processes' and nodes' events, and any of ours that came out of id order.
            listening = (store as ICommittedEventFeed)?.ListenToCommits(PublishCommitted);
            DateTimeOffset? gapSince = null;
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    var (read, blocked) = await PublishNewAsync(gapSince is { } since && time.GetUtcNow() - since >= _options.GapWait, stopping);
                    gapSince = blocked ? gapSince ?? time.GetUtcNow() : null;
                    if (read < _options.BatchSize)
                    {
                        // With a gap pending, look again soon: the missing event usually commits within milliseconds.
                        await store.WaitForEventsAsync(blocked ? TimeSpan.FromMilliseconds(20) : _options.PollInterval, stopping);
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            listening?.Dispose();
            lock (_gate)
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Complete();
                }
            }
        }
    }

    private async Task StartAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                Interlocked.Exchange(ref _published, await store.GetLastEventIdAsync(stopping));
                _started.TrySetResult();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stopping);
            }
        }
    }

    // Publishes contiguous new events; at a gap, stops (blocked) unless told to skip it. Returns how many were read.
    private async Task<(int Read, bool Blocked)> PublishNewAsync(bool skipGap, CancellationToken stopping)
    {
        var events = await store.ReadEventsAsync(Published, _options.BatchSize, stopping);
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (e.Id <= _published)
                {
                    continue; // published when it committed here
                }

                if (e.Id != _published + 1 && !skipGap)
                {
                    return (events.Count, true);
                }

                if (e.Id != _published + 1)
                {
                    Telemetry.StageTimes.Record("hub.gap_skipped_ids", e.Id - _published - 1);
                }

                skipGap = false;
                PublishLocked(e);
            }
        }

        return (events.Count, false);
    }

    // Events a transaction of this process appended, just committed: published now when they follow on, else left to the store read.
    private void PublishCommitted(IReadOnlyList<SyncEvent> events)
    {
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (e.Id == _published + 1)
                {
                    PublishLocked(e);
                }
            }
        }
    }

    private void PublishLocked(SyncEvent e)
    {
        Interlocked.Exchange(ref _published, e.Id);
        if (Telemetry.StageTimes.Enabled)
        {
            Telemetry.StageTimes.Record("hub.appended_to_published", (time.GetUtcNow() - e.At).TotalMilliseconds);
        }
        _subscribers.RemoveAll(subscriber => !subscriber.Offer(e));
    }
}
