using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Syncplane.Engine.Process;

/// <summary>
/// Starts every program in a process group of its own that dies with this process, however this process
/// ends (SIGKILL included): <c>setsid</c> makes a small <c>/bin/sh</c> shim the group's leader; the shim
/// starts the program, plus a watcher that reads the stdin pipe this process holds open and, when the pipe
/// closes without the program having ended (this process is gone), kills the whole group.
/// </summary>
/// <remarks>
/// A parent-death signal (PR_SET_PDEATHSIG) would not do: it follows the thread that forked, which in .NET
/// is any pool thread, and it reaches only the direct child. Processes that leave the group (setsid, a
/// daemon) still carry <see cref="ParentVariable"/>, by which <see cref="OrphanSweep"/> finds them.
/// Without <c>setsid</c> (not Linux), programs start as they are.
/// </remarks>
internal static class ProcessGroup
{
    /// <summary>Set in every program's environment: the <see cref="ProcessIdentity"/> of the Syncplane process that started it.</summary>
    public const string ParentVariable = "SYNCPLANE_PARENT";

    // $1… is the program and its arguments. fd 3 keeps the stdin pipe for the watcher only; the program reads /dev/null.
    private const string Shim =
        "exec 3<&0 </dev/null\n" +
        "\"$@\" 3<&- &\n" +
        "program=$!\n" +
        "(while read -r _; do :; done; kill -KILL 0) <&3 >/dev/null 2>&1 &\n" +
        "watcher=$!\n" +
        "exec 3<&-\n" +
        "wait \"$program\" 2>/dev/null\n" +
        "status=$?\n" +
        "kill \"$watcher\" 2>/dev/null\n" +
        "wait \"$watcher\" 2>/dev/null\n" + // reaped here: an init that does not reap (some containers) would keep it a zombie
        "exit \"$status\"\n";

    private static readonly string? Setsid = OperatingSystem.IsLinux()
        ? new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists)
        : null;

    /// <summary>True when programs start in groups of their own (Linux with util-linux's setsid).</summary>
    public static bool Enabled => Setsid is not null;

    /// <summary>Turns <paramref name="info"/> (program already resolved to a path) into a start of the shim that runs it.</summary>
    public static void Wrap(ProcessStartInfo info)
    {
        info.Environment[ParentVariable] = ProcessIdentity.Current;
        if (Setsid is null)
        {
            return;
        }

        var arguments = info.ArgumentList.ToList();
        info.ArgumentList.Clear();
        foreach (var argument in (string[])["/bin/sh", "-c", Shim, "syncplane-child", info.FileName, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        info.FileName = Setsid;
        info.RedirectStandardInput = true;
    }

    /// <summary>Sends SIGKILL to the group that <paramref name="leader"/> leads (a no-op when it is gone).</summary>
    public static void Kill(int leader)
    {
        if (Setsid is not null && leader > 0)
        {
            _ = kill(-leader, SigKill);
        }
    }

    private const int SigKill = 9;

    // DllImport rather than LibraryImport: no marshalling code is needed, and LibraryImport would make the
    // whole library compile with AllowUnsafeBlocks.
#pragma warning disable SYSLIB1054
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
