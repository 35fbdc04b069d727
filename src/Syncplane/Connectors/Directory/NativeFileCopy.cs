using System.Runtime.InteropServices;
using System.Text;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// Copies one local file into a new temp file with copy_file_range(2) and stamps its mode and mtime
/// through the open descriptor: about 8 system calls per file where <see cref="File.Copy(string, string)"/>
/// plus <see cref="File.SetLastWriteTimeUtc(string, DateTime)"/> make over 20 (advisory locks, a failed
/// reflink attempt, path re-resolution). 64-bit Linux only; callers fall back to the managed path.
/// </summary>
internal static class NativeFileCopy
{
    private const int ORdOnly = 0x0;
    private const int OWrOnly = 0x1;
    private const int OCreat = 0x40;
    private const int OExcl = 0x80;
    private const int OCloExec = 0x80000;
    private const long UtimeOmit = (1L << 30) - 2;
    private const int DefaultMode = 0x1A4; // 0644
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;

    // O_NOFOLLOW is the one flag used here whose value differs between the two 64-bit Linux ABIs.
    private static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x20000,
        Architecture.Arm64 => 0x8000,
        _ => -1,
    };

    private static readonly Lazy<bool> Available = new(() => OperatingSystem.IsLinux() && ONoFollow > 0 && NativeDirectoryReader.IsAvailable);
    private static readonly Lazy<int> Umask = new(ReadUmask);

    public static bool IsAvailable => Available.Value;

    /// <summary>
    /// Copies <paramref name="size"/> bytes of <paramref name="source"/> to the new file <paramref name="temp"/> with <paramref name="mode"/> and
    /// <paramref name="mtime"/>. False (and no temp file left) when the kernel cannot copy between these
    /// files, so the caller can use the managed copy instead.
    /// </summary>
    public static bool TryCopy(string source, string temp, long size, int mode, MtimeStamp mtime)
    {
        mode = mode == 0 ? DefaultMode : mode;
        var input = open(Utf8(source), ORdOnly | OCloExec | ONoFollow, 0);
        if (input < 0)
        {
            throw Error("open", source);
        }

        var output = -1;
        try
        {
            output = open(Utf8(temp), OWrOnly | OCreat | OExcl | ONoFollow | OCloExec, mode);
            if (output < 0)
            {
                throw Error("create", temp);
            }

            // Copy what the snapshot saw: stop at its size instead of paying one more call to find EOF.
            // A file that grew since is re-copied by the next run (sizes differ); one that shrank ends early.
            long copied = 0;
            while (copied < size || size == 0)
            {
                var n = copy_file_range(input, IntPtr.Zero, output, IntPtr.Zero, 1 << 30, 0);
                if (n == 0)
                {
                    break;
                }

                if (n < 0)
                {
                    if (copied == 0)
                    {
                        _ = close(output);
                        output = -1;
                        File.Delete(temp);
                        return false;
                    }

                    throw Error("copy", source);
                }

                copied += n;
                if (size == 0)
                {
                    size = long.MaxValue; // the snapshot said empty but there is data: copy to EOF
                }
            }

            if ((mode & ~Umask.Value & 0xFFF) != (mode & 0xFFF) && fchmod(output, (uint)(mode & 0xFFF)) != 0)
            {
                throw Error("chmod", temp);
            }

            if (futimens(output, Times(mtime)) != 0)
            {
                throw Error("set the mtime of", temp);
            }

            var closed = close(output);
            output = -1;
            if (closed != 0)
            {
                throw Error("close", temp);
            }

            return true;
        }
        finally
        {
            if (output >= 0)
            {
                _ = close(output);
            }

            _ = close(input);
        }
    }

    /// <summary>Sets a symlink's own mtime (rsync -a does too); best effort, as some file systems refuse.</summary>
    public static void TrySetLinkTime(string path, MtimeStamp mtime)
    {
        if (IsAvailable && mtime.Ticks != 0)
        {
            _ = utimensat(AtFdCwd, Utf8(path), Times(mtime), AtSymlinkNoFollow);
        }
    }

    /// <summary>Sets the mtime of the file or directory at <paramref name="path"/> (a final symlink is not followed).</summary>
    public static void SetTime(string path, MtimeStamp mtime)
    {
        if (utimensat(AtFdCwd, Utf8(path), Times(mtime), AtSymlinkNoFollow) != 0)
        {
            throw Error("set the mtime of", path);
        }
    }

    private static long[] Times(MtimeStamp mtime)
    {
        var seconds = Math.DivRem(mtime.Ticks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }

        return [0, UtimeOmit, seconds, (rest * 100) + mtime.ExtraNanos]; // atime untouched, like rsync without --atimes
    }

    private static IOException Error(string what, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"cannot {what} {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    private static byte[] Utf8(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private static int ReadUmask()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Umask:", StringComparison.Ordinal))
                {
                    return Convert.ToInt32(line[6..].Trim(), 8);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (FormatException)
        {
        }

        return 0xFFF; // unknown: always chmod
    }

    // DllImport rather than LibraryImport: these signatures need no marshalling code, and LibraryImport
    // would make the whole library compile with AllowUnsafeBlocks. open(2) is variadic in C; passing the
    // mode as a third int is how the 64-bit Linux ABIs call it.
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern nint copy_file_range(int fdIn, IntPtr offIn, int fdOut, IntPtr offOut, nint length, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchmod(int fd, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int futimens(int fd, long[] times);

    [DllImport("libc", SetLastError = true)]
    private static extern int utimensat(int dirfd, byte[] path, long[] times, int flags);
#pragma warning restore SYSLIB1054, CA5392
}
