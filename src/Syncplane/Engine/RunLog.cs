using Syncplane.Config;

namespace Syncplane.Engine;

/// <summary>Collects a run's log lines with secrets redacted, and forwards each line to an optional listener.</summary>
/// <remarks>
/// Lines are recorded in the store with the run's end, or earlier when the run starts to wait (see <see cref="RunWaits"/>):
/// <see cref="Lines"/> holds those not recorded yet, so none is stored twice.
/// </remarks>
internal sealed class RunLog(SecretResolver secrets, TimeProvider time, Action<LogLine>? listener) : IRunLog
{
    private readonly List<LogLine> _lines = [];
    private readonly Lock _gate = new();
    private int _recorded;

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

    /// <summary>Notes that the first <paramref name="count"/> of <see cref="Lines"/> (as read before) are now in the store.</summary>
    public void MarkRecorded(int count)
    {
        lock (_gate)
        {
            _recorded = Math.Min(_lines.Count, _recorded + count);
        }
    }
}
