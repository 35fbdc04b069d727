using System.Globalization;

namespace Syncplane.Engine.Process;

/// <summary>
/// Names a process on this host exactly, as "PID:START:NS": START is the kernel's start time in clock ticks
/// since boot (field 22 of <c>/proc/PID/stat</c>), one integer that every reader sees alike, so a pid
/// reused by a later process never passes for the one named; NS is the PID namespace's inode, so a process
/// in another container (whose pids mean other processes here) is never taken for dead. Where there is no
/// <c>/proc</c>, the name is the pid alone and a process with that pid counts as the one named (the safe
/// side: never taken for dead).
/// </summary>
internal static class ProcessIdentity
{
    // "pid:[4026531836]" → "4026531836"; empty when it cannot be read. Declared first: Current needs it.
    private static string Namespace { get; } = ReadNamespace();

    /// <summary>This process's name.</summary>
    public static string Current { get; } = Of(Environment.ProcessId) ?? Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The name of the live process <paramref name="pid"/>; null when there is none (or it is a zombie).</summary>
    public static string? Of(int pid)
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return IsRunningWithoutProc(pid) ? pid.ToString(CultureInfo.InvariantCulture) : null;
        }

        return StartTicks(pid) is { } start ? string.Create(CultureInfo.InvariantCulture, $"{pid}:{start}:{Namespace}") : null;
    }

    /// <summary>
    /// True when no live process is the one <paramref name="identity"/> names; false for a malformed name and
    /// for a process of another PID namespace, which this process cannot see.
    /// </summary>
    public static bool IsGone(string identity)
    {
        var parts = identity.Split(':');
        if (parts.Length > 2 && parts[2] != Namespace)
        {
            return false;
        }

        return int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 && Of(pid) != identity;
    }

    private static string ReadNamespace()
    {
        try
        {
            return new string((new FileInfo("/proc/self/ns/pid").LinkTarget ?? "").Where(char.IsAsciiDigit).ToArray());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Field 22 of /proc/PID/stat; null when the process does not exist or is a zombie.</summary>
    private static long? StartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "PID (COMM) STATE PPID …": COMM may hold spaces and parentheses, so count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0] is "Z" or "X" or "x")
        {
            return null;
        }

        return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    private static bool IsRunningWithoutProc(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
