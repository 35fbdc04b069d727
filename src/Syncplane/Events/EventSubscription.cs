using System.Threading.Channels;

namespace Syncplane.Events;

/// <summary>
/// A live feed of events published after <see cref="After"/>. Events up to and including <see cref="After"/>
/// are in the store (<see cref="EventHub.ReplayAsync"/>), so replay then live gives every event exactly once.
/// </summary>
/// <remarks>A subscriber that falls <see cref="EventHubOptions.SubscriberBuffer"/> events behind is dropped: its reader completes with <see cref="SlowSubscriberException"/>.</remarks>
public sealed class EventSubscription : IDisposable
{
    private readonly EventHub _hub;
    private readonly Channel<SyncEvent> _channel;

    internal EventSubscription(EventHub hub, EventFilter filter, long after, int buffer)
    {
        _hub = hub;
        Filter = filter;
        After = after;
        _channel = Channel.CreateBounded<SyncEvent>(new BoundedChannelOptions(buffer) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public EventFilter Filter { get; }

    /// <summary>The last event id published before this subscription started.</summary>
    public long After { get; }

    public ChannelReader<SyncEvent> Reader => _channel.Reader;

    /// <summary>Offers an event; false (and the subscriber is dropped) when its buffer is full.</summary>
    internal bool Offer(SyncEvent e)
    {
        if (!Filter.Matches(e) || _channel.Writer.TryWrite(e))
        {
            return true;
        }

        _channel.Writer.TryComplete(new SlowSubscriberException());
        return false;
    }

    internal void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _hub.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}

/// <summary>The subscriber did not keep up and was dropped; it may reconnect and resume from its last event id.</summary>
public sealed class SlowSubscriberException() : Exception("the subscriber fell too far behind and was dropped; resume with Last-Event-ID");
