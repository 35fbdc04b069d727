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

    // Committed events past a gap (an id not yet committed), by id: published once the gap fills, never read again meanwhile.
    private readonly SortedDictionary<long, SyncEvent> _held = [];
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

            // This process's own commits are published as they commit (or once the ids before them have), without
            // reading them back; the store read below brings other processes' and nodes' events.
            listening = (store as ICommittedEventFeed)?.ListenToCommits(PublishCommitted);
            DateTimeOffset? gapSince = null;
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    var (more, blocked) = await PublishNewAsync(gapSince is { } since && time.GetUtcNow() - since >= _options.GapWait, stopping);
                    gapSince = blocked ? gapSince ?? time.GetUtcNow() : null;
                    if (!more)
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

    // Publishes contiguous new events; at a gap, stops (blocked) unless told to skip it. While events past a gap are held,
    // reads only as many rows as the gap has ids: what commits into it, not again what is held. More: the page was full.
    private async Task<(bool More, bool Blocked)> PublishNewAsync(bool skipGap, CancellationToken stopping)
    {
        long after;
        int limit;
        lock (_gate)
        {
            after = _published;
            limit = _held.Count == 0 ? _options.BatchSize : (int)Math.Min(_options.BatchSize, _held.First().Key - _published - 1);
        }

        var events = await store.ReadEventsAsync(after, limit, stopping);
        lock (_gate)
        {
            HoldLocked(events);
            if (_held.Count > 0 && skipGap)
            {
                var first = _held.First().Key;
                Telemetry.StageTimes.Record("hub.gap_skipped_ids", first - _published - 1);
                Interlocked.Exchange(ref _published, first - 1);
                PublishHeldLocked();
            }

            var blocked = _held.Count > 0;
            return (events.Count == limit && !blocked, blocked);
        }
    }

    // Events a transaction of this process appended, just committed: published now when they follow on, else held until they do.
    private void PublishCommitted(IReadOnlyList<SyncEvent> events)
    {
        lock (_gate)
        {
            HoldLocked(events);
        }
    }

    private void HoldLocked(IReadOnlyList<SyncEvent> events)
    {
        foreach (var e in events)
        {
            if (e.Id > _published)
            {
                _held.TryAdd(e.Id, e);
            }
        }

        PublishHeldLocked();
    }

    private void PublishHeldLocked()
    {
        while (_held.TryGetValue(_published + 1, out var next))
        {
            _held.Remove(next.Id);
            PublishLocked(next);
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
