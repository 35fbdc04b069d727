namespace Syncplane.Storage.Sqlite;

/// <summary>
/// Makes commits durable after the write lock is released: a transaction committed with <c>synchronous=NORMAL</c>
/// has its frames in the WAL file but not yet on disk; an fsync of the WAL file that starts after the commit puts them
/// there, as <c>synchronous=FULL</c> would have inside the commit. One fsync serves every commit that finished before
/// it started (group commit), and other writers write meanwhile instead of waiting for the disk.
/// </summary>
/// <remarks>
/// Recovery after a power loss replays the WAL up to its last whole commit, so once the fsync returns the commit is
/// kept. If the WAL file is gone, its last connection closed after a full checkpoint, which fsyncs the database file;
/// if the WAL was restarted meanwhile, a checkpoint had copied (and fsynced) everything before the restart.
/// SQLite puts no locks on the WAL file, so opening and closing it here releases none of SQLite's.
/// </remarks>
internal sealed class SqliteWalSync(string walPath)
{
    private readonly Lock _lock = new();
    private bool _syncing;
    private TaskCompletionSource? _next;

    /// <summary>Completes once an fsync of the WAL file that started after this call has returned.</summary>
    public Task SyncAsync()
    {
        TaskCompletionSource first;
        lock (_lock)
        {
            if (_syncing)
            {
                // The running fsync may have started before the caller's commit: wait for the one after it.
                return (_next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            _syncing = true;
            first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _ = Task.Run(() => SyncWhileAsked(first));
        return first.Task;
    }

    private void SyncWhileAsked(TaskCompletionSource waiting)
    {
        while (true)
        {
            var started = Telemetry.StageTimes.Start();
            try
            {
                FlushWalToDisk();
                waiting.SetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                waiting.SetException(ex);
            }

            Telemetry.StageTimes.Since("sqlite.wal_sync", started);
            lock (_lock)
            {
                if (_next is null)
                {
                    _syncing = false;
                    return;
                }

                (waiting, _next) = (_next, null);
            }
        }
    }

    private void FlushWalToDisk()
    {
        FileStream wal;
        try
        {
            wal = new FileStream(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return; // checkpointed in full and removed: everything is in the fsynced database file
        }

        using (wal)
        {
            wal.Flush(flushToDisk: true);
        }
    }
}
