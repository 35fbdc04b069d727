using Syncplane.Engine.Process;

namespace Syncplane.Engine;

/// <summary>
/// Names the process that runs a target directly (<c>syncplane run</c>) as "run:HOST:PID:START:NS" (see
/// <see cref="ProcessIdentity"/>), so a later run on the same host can tell that a "running" run belongs to
/// a process that no longer exists (killed) and take the target over instead of waiting for its lease to lapse.
/// </summary>
internal static class DirectRunOwner
{
    private const string Prefix = "run:";

    public static string Current { get; } = $"{Prefix}{Environment.MachineName}:{ProcessIdentity.Current}";

    /// <summary>True when <paramref name="owner"/> is a direct run on this host whose process is gone (or is another process reusing its pid).</summary>
    public static bool IsDeadOnThisHost(string? owner) =>
        ProcessOnThisHost(owner) is { } identity && ProcessIdentity.IsGone(identity);

    /// <summary>Who holds a run, as a user reads it: "syncplane run pid 123 on HOST", or the worker's id.</summary>
    public static string Describe(string? owner)
    {
        if (owner is null)
        {
            return "an unknown process";
        }

        if (owner.StartsWith(Prefix, StringComparison.Ordinal) && owner[Prefix.Length..].Split(':') is [var host, var pid, ..])
        {
            return $"syncplane run pid {pid} on {host}";
        }

        return "worker " + owner;
    }

    private static string? ProcessOnThisHost(string? owner)
    {
        var host = Environment.MachineName + ":";
        return owner is not null && owner.StartsWith(Prefix + host, StringComparison.Ordinal) ? owner[(Prefix.Length + host.Length)..] : null;
    }
}
