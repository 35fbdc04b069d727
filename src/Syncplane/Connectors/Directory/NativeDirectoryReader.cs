using System.Runtime.InteropServices;
using System.Text;
using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// Lists one directory with readdir(3) and statx(2) relative to the directory's descriptor: one system call
/// per entry, no full-path lookups, and only the allocations an item needs (its key). This is what lets a
/// snapshot of 100,000 files keep pace with rsync. 64-bit Linux only; <see cref="TreeWalker"/> falls back
/// to <see cref="System.IO.Enumeration.FileSystemEnumerable{TResult}"/> elsewhere.
/// </summary>
internal static class NativeDirectoryReader
{
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxMask = 0x1 | 0x2 | 0x40 | 0x200; // type, mode, mtime, size
    private const int StatxModeOffset = 28;
    private const int StatxSizeOffset = 40;
    private const int StatxMtimeOffset = 112;
    private const uint IdentityMask = 0x80 | 0x40 | 0x100 | 0x200; // ctime, mtime, inode, size
    private const int StatxInodeOffset = 32;
    private const int StatxCtimeOffset = 96;
    private const int StatxDeviceOffset = 136; // stx_dev_major, stx_dev_minor
    private const int DirentLengthOffset = 16;
    private const int DirentNameOffset = 19;
    private const int FileTypeMask = 0xF000;
    private const int TypeDirectory = 0x4000;
    private const int TypeRegular = 0x8000;
    private const int TypeSymlink = 0xA000;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int EINVAL = 22;

    private static readonly Lazy<bool> Available = new(Probe);

    public static bool IsAvailable => Available.Value;

    /// <summary>Per-thread scratch space.</summary>
    internal sealed class Scratch
    {
        public byte[] Stat { get; } = new byte[256];

        public byte[] Link { get; } = new byte[4096];

        /// <summary>The current entry's name (a dirent holds at most 255 bytes and its padding).</summary>
        public byte[] Name { get; } = new byte[512];
    }

    /// <summary>One entry: its name as the bytes the file system holds (UTF-8, not copied into a string), kind, size, mtime, permission bits, link target.</summary>
    internal delegate void EntryVisitor(ReadOnlySpan<byte> name, ItemKind kind, long size, MtimeStamp mtime, int mode, string? target);

    /// <summary>
    /// Calls <paramref name="visit"/> for every entry of <paramref name="path"/> that is a file, directory or symlink;
    /// false when no directory is at <paramref name="path"/> (removed, or replaced by a file, since it was listed).
    /// </summary>
    public static bool Read(string path, Scratch scratch, EntryVisitor visit)
    {
        var dir = opendir(Utf8(path));
        if (dir == IntPtr.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR ? false : throw Error(path, errno);
        }

        try
        {
            var fd = dirfd(dir);
            while (true)
            {
                var entry = readdir(dir);
                if (entry == IntPtr.Zero)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw Error(path, errno);
                    }

                    break;
                }

                var name = entry + DirentNameOffset;
                var nameBytes = NameOf(entry, scratch.Name);
                if (nameBytes is [(byte)'.'] or [(byte)'.', (byte)'.'])
                {
                    continue;
                }

                if (statx(fd, name, AtSymlinkNoFollow, StatxMask, scratch.Stat) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == ENOENT)
                    {
                        continue; // deleted while we listed: it is simply not part of the snapshot
                    }

                    throw Error(Path.Join(path, Marshal.PtrToStringUTF8(name)), errno);
                }

                var stat = scratch.Stat.AsSpan();
                int mode = MemoryMarshal.Read<ushort>(stat[StatxModeOffset..]);
                var kind = (mode & FileTypeMask) switch
                {
                    TypeRegular => ItemKind.File,
                    TypeDirectory => ItemKind.Directory,
                    TypeSymlink => ItemKind.Symlink,
                    _ => (ItemKind)(-1), // fifos, sockets, devices are skipped, like rsync -a without -D
                };
                if (kind < 0)
                {
                    continue;
                }

                var size = (long)MemoryMarshal.Read<ulong>(stat[StatxSizeOffset..]);
                var mtime = Mtime(stat);
                string? target = null;
                if (kind == ItemKind.Symlink)
                {
                    var n = readlinkat(fd, name, scratch.Link, scratch.Link.Length);
                    if (n < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno is ENOENT or EINVAL)
                        {
                            continue; // removed, or replaced by something that is not a link, since its statx
                        }

                        throw Error(Path.Join(path, Marshal.PtrToStringUTF8(name)), errno);
                    }

                    target = Encoding.UTF8.GetString(scratch.Link, 0, (int)n);
                }

                visit(nameBytes, kind, size, mtime, mode & 0xFFF, target);
            }
        }
        finally
        {
            _ = closedir(dir);
        }

        return true;
    }

    /// <summary>
    /// The entry at <paramref name="path"/> as <see cref="Read"/> reports it (kind, size, mtime, permission bits, link
    /// target), without following a final symlink; null when nothing is there, or a special file (fifo, socket, device).
    /// </summary>
    public static (ItemKind Kind, long Size, MtimeStamp Mtime, int Mode, string? Target)? EntryAt(string path, Scratch scratch)
    {
        if (!StatxAt(path, AtSymlinkNoFollow, StatxMask, scratch.Stat))
        {
            return null;
        }

        var stat = scratch.Stat.AsSpan();
        int mode = MemoryMarshal.Read<ushort>(stat[StatxModeOffset..]);
        ItemKind? kind = (mode & FileTypeMask) switch
        {
            TypeRegular => ItemKind.File,
            TypeDirectory => ItemKind.Directory,
            TypeSymlink => ItemKind.Symlink,
            _ => null,
        };
        if (kind is not { } k)
        {
            return null;
        }

        var target = k == ItemKind.Symlink ? new FileInfo(path).LinkTarget ?? "" : null;
        return (k, (long)MemoryMarshal.Read<ulong>(stat[StatxSizeOffset..]), Mtime(stat), mode & 0xFFF, target);
    }

    /// <summary>What is at <paramref name="path"/> without following a final symlink; null when nothing is.</summary>
    public static ItemKind? KindAt(string path) => StatAt(path)?.Kind;

    /// <summary>Kind, size and mtime of what is at <paramref name="path"/>, without following a final symlink; null when nothing is.</summary>
    public static (ItemKind Kind, long Size, MtimeStamp Mtime)? StatAt(string path)
    {
        var buffer = new byte[256];
        if (!StatxAt(path, AtSymlinkNoFollow, StatxMask, buffer))
        {
            return null;
        }

        var stat = buffer.AsSpan();
        var kind = (MemoryMarshal.Read<ushort>(stat[StatxModeOffset..]) & FileTypeMask) switch
        {
            TypeRegular => ItemKind.File,
            TypeDirectory => ItemKind.Directory,
            TypeSymlink => ItemKind.Symlink,
            _ => ItemKind.File, // a special file: not ours to create, but something is there
        };
        return (kind, (long)MemoryMarshal.Read<ulong>(stat[StatxSizeOffset..]), Mtime(stat));
    }

    /// <summary>
    /// Which file is at <paramref name="path"/> now, following symlinks, in one statx: its device and inode, size, and
    /// change and modification times to the nanosecond. Writing it, renaming another file over it or pointing a symlink
    /// on the way elsewhere changes the identity; null when nothing is there.
    /// </summary>
    public static FileIdentity? IdentityAt(string path)
    {
        var buffer = new byte[256];
        if (!StatxAt(path, 0, IdentityMask, buffer))
        {
            return null;
        }

        var stat = buffer.AsSpan();
        return new FileIdentity(
            MemoryMarshal.Read<ulong>(stat[StatxDeviceOffset..]), MemoryMarshal.Read<ulong>(stat[StatxInodeOffset..]),
            MemoryMarshal.Read<long>(stat[StatxSizeOffset..]), Timestamp(stat, StatxCtimeOffset), Timestamp(stat, StatxMtimeOffset));
    }

    // statx of a path (AT_FDCWD) into buffer: false when nothing is there (ENOENT, ENOTDIR), an exception for any other error.
    private static bool StatxAt(string path, int flags, uint mask, byte[] buffer)
    {
        if (statxPath(-100, Utf8(path), flags, mask, buffer) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is ENOENT or ENOTDIR ? false : throw Error(path, errno);
    }

    private static Int128 Timestamp(ReadOnlySpan<byte> stat, int offset) =>
        ((Int128)MemoryMarshal.Read<long>(stat[offset..]) * 1_000_000_000) + MemoryMarshal.Read<uint>(stat[(offset + 8)..]);

    private static MtimeStamp Mtime(ReadOnlySpan<byte> stat)
    {
        var seconds = MemoryMarshal.Read<long>(stat[StatxMtimeOffset..]);
        var nanos = MemoryMarshal.Read<uint>(stat[(StatxMtimeOffset + 8)..]);
        return new MtimeStamp(DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanos / 100), (int)(nanos % 100));
    }

    /// <summary>The name of a dirent64, copied into <paramref name="buffer"/>: the record (d_reclen long) ends in the name and its NUL padding.</summary>
    private static ReadOnlySpan<byte> NameOf(IntPtr entry, byte[] buffer)
    {
        var length = Math.Min(Marshal.ReadInt16(entry, DirentLengthOffset) - DirentNameOffset, buffer.Length);
        Marshal.Copy(entry + DirentNameOffset, buffer, 0, length);
        var name = buffer.AsSpan(0, length);
        var end = name.IndexOf((byte)0);
        return end < 0 ? name : name[..end];
    }

    private static Exception Error(string path, int errno)
    {
        var message = $"cannot read {path}: {Marshal.GetPInvokeErrorMessage(errno)}";
        return errno == ENOENT ? new DirectoryNotFoundException(message) : new IOException(message, errno);
    }

    private static byte[] Utf8(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
        {
            return false;
        }

        try
        {
            var name = Marshal.StringToCoTaskMemUTF8("/");
            try
            {
                return statx(-100, name, AtSymlinkNoFollow, StatxMask, new byte[256]) == 0; // AT_FDCWD
            }
            finally
            {
                Marshal.FreeCoTaskMem(name);
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: these signatures need no marshalling code, and LibraryImport
    // would make the whole library compile with AllowUnsafeBlocks.
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr opendir(byte[] name);

    [DllImport("libc")]
    private static extern int dirfd(IntPtr dir);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr readdir(IntPtr dir);

    [DllImport("libc")]
    private static extern int closedir(IntPtr dir);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, IntPtr path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true, EntryPoint = "statx")]
    private static extern int statxPath(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern nint readlinkat(int dirfd, IntPtr path, byte[] buffer, nint size);
#pragma warning restore SYSLIB1054, CA5392
}
