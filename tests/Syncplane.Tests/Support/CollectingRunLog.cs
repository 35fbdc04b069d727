using Syncplane.Engine;

namespace Syncplane.Tests.Support;

/// <summary>An <see cref="IRunLog"/> that keeps every line, for assertions.</summary>
internal sealed class CollectingRunLog : IRunLog
{
    private readonly List<(LogLevel Level, string Message)> _lines = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
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
        lock (_gate)
        {
            _lines.Add((level, message));
        }
    }
}
