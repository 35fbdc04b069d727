using SystemProcess = System.Diagnostics.Process;
using System.Globalization;

namespace Syncplane.Engine;

/// <summary>
/// Names the process that runs a target directly (<c>syncplane run</c>) as "run:HOST:PID:START", so a later
/// run on the same host can tell that a "running" run belongs to a process that no longer exists (killed)
/// and take the target over instead of waiting for its lease to lapse.
/// </summary>
internal static class DirectRunOwner
{
    private const string Prefix = "run:";

    public static string Current { get; } = Describe(Environment.ProcessId, StartTicks(SystemProcess.GetCurrentProcess()));

    /// <summary>True when <paramref name="owner"/> is a direct run on this host whose process is gone (or is another process reusing its pid).</summary>
    public static bool IsDeadOnThisHost(string? owner)
    {
        var parts = owner?.Split(':');
        if (parts is not [_, var host, var pidText, var startText] || !owner!.StartsWith(Prefix, StringComparison.Ordinal) || host != Environment.MachineName
            || !int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            using var process = SystemProcess.GetProcessById(pid);
            return StartTicks(process).ToString(CultureInfo.InvariantCulture) != startText;
        }
        catch (ArgumentException)
        {
            return true; // no process with that pid
        }
        catch (InvalidOperationException)
        {
            return true; // it exited while we looked
        }
    }

    private static string Describe(int pid, long startTicks) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.MachineName}:{pid}:{startTicks}");

    private static long StartTicks(SystemProcess process) => process.StartTime.ToUniversalTime().Ticks;
}
