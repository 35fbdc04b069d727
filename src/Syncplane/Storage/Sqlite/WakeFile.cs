using Microsoft.Win32.SafeHandles;

namespace Syncplane.Storage.Sqlite;

/// <summary>
/// One wake file (see <see cref="SqliteWakeFiles"/>), opened on the first touch and kept open, so a touch is one
/// positioned write of one byte: the write, not the content, is what watchers hear.
/// </summary>
/// <remarks>
/// A touch never fails the commit it follows: once the file cannot be opened or written, touches stop and other
/// processes find the change at their next poll.
/// </remarks>
internal sealed class WakeFile(string directory, string name) : IDisposable
{
    private static readonly byte[] OneByte = [1];

    private readonly object _gate = new();
    private SafeFileHandle? _handle;
    private bool _closed;

    /// <summary>Rewrites the file's byte (creating the directory and file the first time).</summary>
    public void Touch()
    {
        var handle = Volatile.Read(ref _handle) ?? Open();
        if (handle is null)
        {
            return;
        }

        try
        {
            RandomAccess.Write(handle, OneByte, fileOffset: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Dispose();
        }
    }

    private SafeFileHandle? Open()
    {
        lock (_gate)
        {
            if (_closed || _handle is not null)
            {
                return _handle;
            }

            try
            {
                Directory.CreateDirectory(directory);
                Volatile.Write(ref _handle, File.OpenHandle(Path.Combine(directory, name), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _closed = true;
            }

            return _handle;
        }
    }

    /// <summary>Closes the file; later touches do nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _handle?.Dispose();
            _handle = null;
        }
    }
}
