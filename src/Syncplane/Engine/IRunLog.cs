namespace Syncplane.Engine;

public enum LogLevel
{
    Info,
    Warning,
    Error,
}

/// <summary>One line of a run's log.</summary>
public sealed record LogLine(DateTimeOffset At, LogLevel Level, string Message);

/// <summary>
/// Where a run writes what happens (command output, decisions, errors). Implementations redact secrets
/// before anything is printed or stored.
/// </summary>
public interface IRunLog
{
    void Write(LogLevel level, string message);
}

public static class RunLogExtensions
{
    public static void Info(this IRunLog log, string message) => log.Write(LogLevel.Info, message);

    public static void Warn(this IRunLog log, string message) => log.Write(LogLevel.Warning, message);

    public static void Error(this IRunLog log, string message) => log.Write(LogLevel.Error, message);
}
