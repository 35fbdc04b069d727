using Syncplane.Engine;

namespace Syncplane.Tests.Support;

/// <summary>An <see cref="IRunLog"/> that keeps every line (thread-safe: stdout and stderr arrive concurrently).</summary>
internal sealed class TestRunLog : IRunLog
{
    private readonly List<(LogLevel Level, string Message)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Every message, one per line.</summary>
    public string Text => string.Join('\n', Lines.Select(l => l.Message));

    public void Write(LogLevel level, string message)
    {
        lock (_lines)
        {
            _lines.Add((level, message));
        }
    }
}
