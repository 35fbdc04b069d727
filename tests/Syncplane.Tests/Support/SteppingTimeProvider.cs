namespace Syncplane.Tests.Support;

/// <summary>
/// Microsoft's <see cref="FakeTimeProvider"/>, except that <see cref="Advance"/> stops at each timer's due
/// time, so a timer fires with the clock reading its due time, as on a real clock.
/// </summary>
/// <remarks>
/// Why not Microsoft's <c>Advance</c> alone: it moves the clock to the end of the step first and then fires
/// the timers that fell due, so every callback reads the end time. A loop that sleeps until an exact
/// instant (the scheduler waking at a target's jitter offset) then wakes up to a step late; the scheduler
/// re-plans a late firing of a target that never fired into the next jitter window, so with one-minute
/// steps such a target never fires in the test, though it does on a real clock. Use this for tests that
/// drive the engine's loops; plain <see cref="FakeTimeProvider"/> for everything else.
/// </remarks>
public sealed class SteppingTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _clock = new(start);
    private readonly List<DueTime> _timers = [];

    public override long TimestampFrequency => _clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _clock.LocalTimeZone;

    public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

    public override long GetTimestamp() => _clock.GetTimestamp();

    /// <summary>Moves the clock forward, stopping at each due time on the way so its timers fire at that time.</summary>
    public void Advance(TimeSpan delta)
    {
        var end = _clock.GetUtcNow() + delta;
        while (NextDue(end) is { } due)
        {
            // A timer whose time came while another thread was firing timers is fired at the current time.
            var now = _clock.GetUtcNow();
            _clock.SetUtcNow(due > now ? due : now);
        }

        _clock.SetUtcNow(end);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var due = new DueTime(this);
        due.Set(dueTime, period);
        lock (_timers)
        {
            _timers.Add(due);
        }

        due.Timer = _clock.CreateTimer(s => { due.Fired(); callback(s); }, state, dueTime, period);
        return due;
    }

    private DateTimeOffset? NextDue(DateTimeOffset end)
    {
        lock (_timers)
        {
            return _timers.Select(t => t.At).Where(at => at <= end).Min();
        }
    }

    /// <summary>Tracks when a timer of the inner clock next fires.</summary>
    private sealed class DueTime(SteppingTimeProvider owner) : ITimer
    {
        private TimeSpan? _period;

        public DateTimeOffset? At { get; private set; }

        public ITimer Timer { get; set; } = null!;

        public void Set(TimeSpan dueTime, TimeSpan period)
        {
            var now = owner.GetUtcNow();
            lock (owner._timers)
            {
                At = dueTime == Timeout.InfiniteTimeSpan ? null : now + dueTime;
                _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            }
        }

        public void Fired()
        {
            var now = owner.GetUtcNow();
            lock (owner._timers)
            {
                At = now + _period;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Set(dueTime, period);
            return Timer.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (owner._timers)
            {
                owner._timers.Remove(this);
            }

            Timer.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            Dispose();
            await ValueTask.CompletedTask;
        }
    }
}
