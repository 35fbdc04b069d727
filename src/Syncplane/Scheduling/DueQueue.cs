namespace Syncplane.Scheduling;

/// <summary>
/// The scheduler's timeline for many targets: each target's next firing kept in a min-heap, so a
/// pass costs O(k log n) for the k targets due instead of re-planning all n (100,000 targets on
/// short schedules stay cheap). Not thread-safe; the one active scheduler owns it.
/// </summary>
/// <remarks>
/// <see cref="Set"/> adds or replaces a target (config reload, a frequency override, a pause);
/// <see cref="TakeDue"/> returns the firings due now and moves each target on to its next slot;
/// <see cref="WakeAt"/> is when to wake next. It gives the same firings as <see cref="SchedulerPlan.Compute"/>.
/// </remarks>
internal sealed class DueQueue
{
    private readonly Dictionary<string, Entry> _entries;
    private readonly PriorityQueue<(string Name, long Version), DateTimeOffset> _heap;
    private long _version;

    /// <summary>An empty queue with room for <paramref name="capacity"/> targets before it grows.</summary>
    public DueQueue(int capacity = 0)
    {
        _entries = new(capacity, StringComparer.Ordinal);
        _heap = new(capacity);
    }

    /// <summary>Targets known to the queue, scheduled or not.</summary>
    public int Count => _entries.Count;

    /// <summary>The earliest firing time of any target; null when nothing is scheduled.</summary>
    public DateTimeOffset? WakeAt
    {
        get
        {
            DropStale();
            return _heap.TryPeek(out _, out var at) ? at : null;
        }
    }

    /// <summary>Adds <paramref name="target"/> or replaces what the queue knew about it, computing its next firing at <paramref name="now"/>.</summary>
    public void Set(ScheduledTarget target, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        var version = ++_version;
        var next = target.Paused ? null : DueCalculator.Next(target.Effective, target.Name, target.LastSlot, now, target.Jitter, target.LastRunAt);
        _entries[target.Name] = new Entry(target, next, version);
        if (next is { } slot)
        {
            _heap.Enqueue((target.Name, version), slot.FireAt);
        }

        if (_heap.Count > (2 * _entries.Count) + 1024)
        {
            Compact(); // many replacements (config reloads) left stale heap entries behind
        }
    }

    /// <summary>Forgets a target (removed from the config).</summary>
    public bool Remove(string name) => _entries.Remove(name);

    /// <summary>The target as the queue knows it (its <see cref="ScheduledTarget.LastSlot"/> advanced by firings).</summary>
    public ScheduledTarget? Get(string name) => _entries.TryGetValue(name, out var entry) ? entry.Target : null;

    /// <summary>
    /// The firings due at <paramref name="now"/>, earliest first. Each target's last slot becomes the
    /// slot just returned and its next firing is computed, so every slot is returned once; slots
    /// missed while the scheduler was not running collapse into one firing.
    /// </summary>
    public IReadOnlyList<DueFiring> TakeDue(DateTimeOffset now)
    {
        var due = new List<DueFiring>();
        while (true)
        {
            DropStale();
            if (!_heap.TryPeek(out var top, out var at) || at > now)
            {
                due.Sort((a, b) => a.FireAt.CompareTo(b.FireAt));
                return due;
            }

            _heap.Dequeue();
            var entry = _entries[top.Name];

            // The heap entry may predate 'now' by a lot (a long pause of the scheduler): re-plan from the last slot.
            var firing = DueCalculator.Next(entry.Target.Effective, entry.Target.Name, entry.Target.LastSlot, now, entry.Target.Jitter, entry.Target.LastRunAt);
            if (firing is { } f && f.IsDue(now))
            {
                due.Add(new DueFiring(top.Name, f.Slot, f.FireAt));
                Set(entry.Target with { LastSlot = f.Slot }, now);
            }
            else
            {
                Set(entry.Target, now);
            }
        }
    }

    private void Compact()
    {
        var live = _entries.Values.Where(e => e.Next is not null).Select(e => ((e.Target.Name, e.Version), e.Next!.Value.FireAt)).ToList();
        _heap.Clear();
        _heap.EnqueueRange(live);
    }

    private void DropStale()
    {
        while (_heap.TryPeek(out var top, out _) && (!_entries.TryGetValue(top.Name, out var entry) || entry.Version != top.Version))
        {
            _heap.Dequeue();
        }
    }

    // A struct, held in the dictionary's own array: one object less per target.
    private readonly record struct Entry(ScheduledTarget Target, DueSlot? Next, long Version);
}
