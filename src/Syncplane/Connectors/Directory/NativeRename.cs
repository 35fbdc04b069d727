using System.Runtime.InteropServices;
using System.Text;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// rename(2) without the checks of <see cref="File.Move(string, string, bool)"/>, which refuses to move a
/// dangling symlink (it looks at the link's target). Renaming is what makes each item's update atomic.
/// </summary>
internal static class NativeRename
{
    public static void Replace(string from, string to)
    {
        if (OperatingSystem.IsWindows())
        {
            File.Move(from, to, overwrite: true);
            return;
        }

        if (rename(Encode(from), Encode(to)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot rename {from} to {to}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    private static byte[] Encode(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    // DllImport rather than LibraryImport: byte[] arguments need no marshalling code, and LibraryImport
    // would make the whole library compile with AllowUnsafeBlocks.
#pragma warning disable SYSLIB1054
    [DllImport("libc", SetLastError = true)]
    private static extern int rename(byte[] oldPath, byte[] newPath);
#pragma warning restore SYSLIB1054
}
