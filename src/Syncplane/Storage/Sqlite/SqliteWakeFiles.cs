namespace Syncplane.Storage.Sqlite;

/// <summary>
/// Carries wake-ups between processes that share one SQLite file, as LISTEN/NOTIFY does on PostgreSQL: the
/// directory <c>&lt;database&gt;-wake</c> beside the file holds <c>queue</c> and <c>events</c>, one byte each.
/// A commit that queued work or appended events rewrites its file's byte (one write, no fsync); a process
/// that waits watches the directory (<see cref="FileSystemWatcher"/>: inotify on Linux) and pulses the
/// matching <see cref="QueueSignal"/>.
/// </summary>
/// <remarks>
/// Best effort, since a wake-up is only a hint: when the directory cannot be written or watched (read-only,
/// out of inotify instances), waiters fall back to their bounded wait and nothing is logged. A directory of its
/// own, not the database's, so the watcher does not also see every write to the database and its WAL.
/// A process also hears its own writes: an extra wake-up, which costs its waiter one empty look.
/// </remarks>
internal sealed class SqliteWakeFiles : IDisposable
{
    /// <summary>The file rewritten after an enqueue or requeue commits.</summary>
    public const string QueueFile = "queue";

    /// <summary>The file rewritten after a commit that appended events.</summary>
    public const string EventsFile = "events";

    private readonly QueueSignal _queue;
    private readonly QueueSignal _events;
    private readonly WakeFile _queueFile;
    private readonly WakeFile _eventsFile;
    private readonly object _gate = new();
    private FileSystemWatcher? _watcher;
    private bool _watchStarted;

    public SqliteWakeFiles(string databasePath, QueueSignal queue, QueueSignal events)
    {
        Directory = databasePath + "-wake";
        _queue = queue;
        _events = events;
        _queueFile = new WakeFile(Directory, QueueFile);
        _eventsFile = new WakeFile(Directory, EventsFile);
    }

    /// <summary>The directory that holds the wake files.</summary>
    public string Directory { get; }

    /// <summary>Tells every watching process that work was queued.</summary>
    public void TouchQueue() => _queueFile.Touch();

    /// <summary>Tells every watching process that events were appended.</summary>
    public void TouchEvents() => _eventsFile.Touch();

    /// <summary>Starts watching on first use, then pulses both signals: touches made before the watch began were missed.</summary>
    public void EnsureWatching()
    {
        lock (_gate)
        {
            if (_watchStarted)
            {
                return;
            }

            _watchStarted = true;
            _watcher = TryWatch();
        }

        _queue.Pulse();
        _events.Pulse();
    }

    private FileSystemWatcher? TryWatch()
    {
        FileSystemWatcher? watcher = null;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            watcher = new FileSystemWatcher(Directory) { NotifyFilter = NotifyFilters.LastWrite, IncludeSubdirectories = false };
            watcher.Changed += (_, e) => Pulse(e.Name);
            watcher.Error += (_, _) => PulseBoth(); // the kernel's queue overflowed: some touches were dropped
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            return null;
        }
    }

    private void Pulse(string? name)
    {
        if (name == QueueFile)
        {
            _queue.Pulse();
        }
        else if (name == EventsFile)
        {
            _events.Pulse();
        }
    }

    private void PulseBoth()
    {
        _queue.Pulse();
        _events.Pulse();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _watchStarted = true; // a disposed store does not start watching again
            _watcher?.Dispose();
            _watcher = null;
        }

        _queueFile.Dispose();
        _eventsFile.Dispose();
    }
}
