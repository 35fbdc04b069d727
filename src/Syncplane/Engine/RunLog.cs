using Syncplane.Config;

namespace Syncplane.Engine;

/// <summary>Collects a run's log lines with secrets redacted, and forwards each line to an optional listener.</summary>
internal sealed class RunLog(SecretResolver secrets, TimeProvider time, Action<LogLine>? listener) : IRunLog
{
    private readonly List<LogLine> _lines = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
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
}
