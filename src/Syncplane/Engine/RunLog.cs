using Syncplane.Config;

namespace Syncplane.Engine;

/// <summary>Collects a run's log lines with secrets redacted, and forwards each line to an optional listener.</summary>
/// <remarks>
/// Lines are recorded in the store with the run's end, or earlier: when the run starts to wait (see <see cref="RunWaits"/>)
/// and, for a worker's run, every second while it runs (so its log can be followed). <see cref="Lines"/> holds those not
/// recorded yet, and <see cref="RecordAsync"/> records one batch at a time, so none is stored twice.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "a SemaphoreSlim holds nothing to dispose unless its AvailableWaitHandle is read, which this class never does")]
internal sealed class RunLog(SecretResolver secrets, TimeProvider time, Action<LogLine>? listener) : IRunLog
{
    private readonly List<LogLine> _lines = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _recording = new(1, 1);
    private int _recorded;
    private bool _closed;

    /// <summary>The lines not recorded in the store yet, in order.</summary>
    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines.Skip(_recorded)];
            }
        }
    }

    public void Write(LogLevel level, string message)
    {
        var line = new LogLine(time.GetUtcNow(), level, secrets.Redact(message));
        lock (_gate)
        {
            _lines.Add(line);
        }

        listener?.Invoke(line);
    }

    /// <summary>
    /// Hands the lines not recorded yet to <paramref name="record"/> (which stores them) and marks them recorded when it
    /// returns; one batch at a time. With <paramref name="evenIfNone"/> false, nothing is called when there is no line.
    /// </summary>
    public async Task RecordAsync(Func<IReadOnlyList<LogLine>, Task> record, bool evenIfNone = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _recording.WaitAsync();
        try
        {
            var lines = Lines;
            if (!_closed && (lines.Count > 0 || evenIfNone))
            {
                await record(lines);
                MarkRecorded(lines.Count);
            }
        }
        finally
        {
            _recording.Release();
        }
    }

    /// <summary>
    /// Waits for a batch being recorded, then records no more: what <see cref="Lines"/> holds afterwards goes with the run's end.
    /// </summary>
    public async Task CloseAsync()
    {
        await _recording.WaitAsync();
        _closed = true;
        _recording.Release();
    }

    /// <summary>Notes that the first <paramref name="count"/> of <see cref="Lines"/> (as read before) are now in the store.</summary>
    public void MarkRecorded(int count)
    {
        lock (_gate)
        {
            _recorded = Math.Min(_lines.Count, _recorded + count);
        }
    }
}
