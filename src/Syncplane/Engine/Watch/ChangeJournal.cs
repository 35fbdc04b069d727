namespace Syncplane.Engine.Watch;

/// <summary>
/// The paths a watcher saw change in one target's source folder since its last run took them. A run takes them
/// (<see cref="Take"/>) before it reads the folder and gives them back (<see cref="Restore"/>) when it fails, so a
/// change is either read by a run that succeeded or still waiting. After an overflow the next run walks the tree.
/// </summary>
internal sealed class ChangeJournal(int maxPaths = ChangeJournal.DefaultMaxPaths)
{
    /// <summary>More changed paths than this and a run walks the whole tree instead.</summary>
    public const int DefaultMaxPaths = 10_000;

    private readonly Lock _gate = new();
    private HashSet<string> _paths = new(StringComparer.Ordinal);
    private bool _overflowed;

    /// <summary>Notes a changed path (relative to the root, '/'-separated); beyond the limit, the next run walks the tree.</summary>
    public void Add(string key)
    {
        lock (_gate)
        {
            if (!_overflowed && _paths.Add(key) && _paths.Count > maxPaths)
            {
                Overflow();
            }
        }
    }

    /// <summary>Events were lost (the kernel queue overflowed, or a watch failed): the next run walks the tree.</summary>
    public void Overflow()
    {
        lock (_gate)
        {
            _overflowed = true;
            _paths = new(StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Takes what changed. Null <see cref="ChangeSet.Paths"/> means "walk the tree": after an overflow, or when
    /// <paramref name="changedPathsOnly"/> is false (a scheduled or manual run, which walks in any case).
    /// </summary>
    public ChangeSet Take(bool changedPathsOnly)
    {
        lock (_gate)
        {
            var taken = new ChangeSet(changedPathsOnly && !_overflowed ? _paths : null, _paths, _overflowed);
            _paths = new(StringComparer.Ordinal);
            _overflowed = false;
            return taken;
        }
    }

    /// <summary>Gives back what a failed run took, so the next run reads it again.</summary>
    public void Restore(ChangeSet taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        lock (_gate)
        {
            if (taken.Overflowed)
            {
                Overflow();
                return;
            }

            foreach (var key in taken.Taken)
            {
                Add(key);
            }
        }
    }
}

/// <summary>What a run took from a <see cref="ChangeJournal"/>.</summary>
/// <param name="Paths">The changed paths to read; null to walk the whole tree.</param>
/// <param name="Taken">Every path taken (to give back on failure).</param>
/// <param name="Overflowed">Whether events were lost before the take.</param>
internal sealed record ChangeSet(IReadOnlySet<string>? Paths, IReadOnlySet<string> Taken, bool Overflowed);
