using System.Globalization;
using System.Text;

namespace Syncplane.Engine.Process;

/// <summary>
/// Kills the processes on this host that a Syncplane process started (their environment names it in
/// <see cref="ProcessGroup.ParentVariable"/>) and that outlived it: what a killed <c>run</c>, <c>worker</c>
/// or <c>serve</c> left behind when its groups' watchers could not reach them (a program that left its
/// group). Run before a run is taken over or re-run, so its old processes never work beside the new ones.
/// </summary>
internal static class OrphanSweep
{
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes(ProcessGroup.ParentVariable + "=");

    /// <summary>Kills every orphan it can see (only processes whose environment this user may read); returns how many.</summary>
    public static int KillOrphans()
    {
        if (!Directory.Exists("/proc"))
        {
            return 0;
        }

        var killed = 0;
        var parents = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId
                || ParentOf(directory) is not { } parent)
            {
                continue;
            }

            if (!parents.TryGetValue(parent, out var gone))
            {
                parents[parent] = gone = ProcessIdentity.IsGone(parent);
            }

            if (gone && Kill(pid))
            {
                killed++;
            }
        }

        return killed;
    }

    private static string? ParentOf(string directory)
    {
        byte[] environment;
        try
        {
            environment = File.ReadAllBytes(Path.Combine(directory, "environ"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile, a kernel thread, or another user's
        }

        for (var start = 0; start < environment.Length;)
        {
            var end = Array.IndexOf(environment, (byte)0, start);
            end = end < 0 ? environment.Length : end;
            var entry = environment.AsSpan(start, end - start);
            if (entry.StartsWith(Marker))
            {
                return Encoding.ASCII.GetString(entry[Marker.Length..]);
            }

            start = end + 1;
        }

        return null;
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // it ended meanwhile
        }
    }
}
