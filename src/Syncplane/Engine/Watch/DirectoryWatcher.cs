namespace Syncplane.Engine.Watch;

/// <summary>
/// Watches one target's source folder (inotify on Linux, through <see cref="FileSystemWatcher"/>): every change is
/// noted in the target's <see cref="ChangeJournal"/>, and <paramref name="debounce"/> after the first change of a
/// burst <paramref name="onDue"/> is called once for all of them. A watcher error (the kernel's event queue
/// overflowed, a watch could not be added) marks the journal overflowed, so the run it triggers walks the tree.
/// </summary>
internal sealed class DirectoryWatcher : IDisposable
{
    private readonly string _root;
    private readonly ChangeJournal _journal;
    private readonly TimeSpan _debounce;
    private readonly Action _onDue;
    private readonly Action<Exception> _onError;
    private readonly ITimer _timer;
    private readonly FileSystemWatcher _watcher;
    private int _armed;

    /// <exception cref="IOException">The watch cannot start (for example the inotify instance limit is reached).</exception>
    public DirectoryWatcher(string root, ChangeJournal journal, TimeSpan debounce, TimeProvider time, Action onDue, Action<Exception> onError)
    {
        _root = root;
        _journal = journal;
        _debounce = debounce;
        _onDue = onDue;
        _onError = onError;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size |
                NotifyFilters.Attributes | NotifyFilters.Security | NotifyFilters.CreationTime,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Created += (_, e) => Changed(e.FullPath);
        _watcher.Changed += (_, e) => Changed(e.FullPath);
        _watcher.Deleted += (_, e) => Changed(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Changed(e.OldFullPath);
            Changed(e.FullPath);
        };
        _watcher.Error += (_, e) => OnError(e.GetException());
        try
        {
            _watcher.EnableRaisingEvents = true;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What a watcher error does: events may be lost, so the next run walks the tree, and one is queued now.</summary>
    internal void OnError(Exception error)
    {
        _onError(error);
        WalkSoon();
    }

    /// <summary>Queues a run that walks the whole tree (at start, to catch what changed while nobody watched; after an error).</summary>
    internal void WalkSoon()
    {
        _journal.Overflow();
        Arm();
    }

    /// <summary>Notes one changed path (an event of the watcher) and arms the debounce.</summary>
    internal void Changed(string fullPath)
    {
        var key = Path.GetRelativePath(_root, fullPath);
        if (key == "." || key.StartsWith("..", StringComparison.Ordinal))
        {
            return;
        }

        _journal.Add(key);
        Arm();
    }

    private void Arm()
    {
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        // Disarmed first: a change from here on arms the next run, which queues behind this one or joins it.
        Volatile.Write(ref _armed, 0);
        _onDue();
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _timer.Dispose();
    }
}
