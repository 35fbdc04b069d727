using System.Runtime.InteropServices;
using System.Text;
using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// Lists one directory with getdents64(2) into a 64 KiB buffer (a directory of a few hundred entries in one call) and
/// statx(2) relative to the directory's descriptor, the name passed straight from that buffer: one system call per
/// entry, no full-path lookups, no copies of names, and only the allocations an item needs (its key). The entry's
/// d_type spares the statx of a special file. 64-bit Linux only; <see cref="TreeWalker"/> falls back to
/// <see cref="System.IO.Enumeration.FileSystemEnumerable{TResult}"/> elsewhere.
/// </summary>
internal static class NativeDirectoryReader
{
    private const int AtSymlinkNoFollow = 0x100;
    private const int OReadOnlyDirectory = 0x10000 | 0x80000; // O_DIRECTORY | O_CLOEXEC
    private const uint StatxMask = 0x1 | 0x2 | 0x40 | 0x200; // type, mode, mtime, size
    private const int StatxModeOffset = 28;
    private const int StatxSizeOffset = 40;
    private const int StatxMtimeOffset = 112;
    private const int DirentLengthOffset = 16;
    private const int DirentTypeOffset = 18;
    private const int DirentNameOffset = 19;
    private const byte DtUnknown = 0, DtDirectory = 4, DtRegular = 8, DtSymlink = 10;
    private const int FileTypeMask = 0xF000;
    private const int TypeDirectory = 0x4000;
    private const int TypeRegular = 0x8000;
    private const int TypeSymlink = 0xA000;
    private const int ENOENT = 2;
    private const int EINTR = 4;
    private const int ENOTDIR = 20;

    private static readonly Lazy<bool> Available = new(Probe);

    public static bool IsAvailable => Available.Value;

    /// <summary>Per-thread scratch space, pinned so that system calls read and write it in place.</summary>
    internal sealed class Scratch
    {
        private const int EntriesLength = 64 * 1024;

        private readonly byte[] _entries = GC.AllocateUninitializedArray<byte>(EntriesLength, pinned: true);
        private readonly byte[] _stat = GC.AllocateUninitializedArray<byte>(256, pinned: true);

        public Scratch()
        {
            EntriesAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_entries, 0);
            StatAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_stat, 0);
        }

        public Span<byte> Entries => _entries;

        public IntPtr EntriesAddress { get; }

        public ReadOnlySpan<byte> Stat => _stat;

        public IntPtr StatAddress { get; }

        public byte[] Link { get; } = new byte[4096];
    }

    /// <summary>One entry: its name as the bytes the file system holds (UTF-8, not copied into a string), kind, size, mtime, permission bits, link target.</summary>
    internal delegate void EntryVisitor(ReadOnlySpan<byte> name, ItemKind kind, long size, MtimeStamp mtime, int mode, string? target);

    /// <summary>Calls <paramref name="visit"/> for every entry of <paramref name="path"/> that is a file, directory or symlink.</summary>
    public static void Read(string path, Scratch scratch, EntryVisitor visit)
    {
        var fd = open(Utf8(path), OReadOnlyDirectory);
        if (fd < 0)
        {
            throw Error(path, Marshal.GetLastPInvokeError());
        }

        try
        {
            while (true)
            {
                var length = (int)getdents64(fd, scratch.EntriesAddress, scratch.Entries.Length);
                if (length < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                    {
                        continue;
                    }

                    throw Error(path, errno);
                }

                if (length == 0)
                {
                    break;
                }

                for (var offset = 0; offset < length;)
                {
                    var entry = scratch.Entries[offset..length];
                    var recordLength = MemoryMarshal.Read<ushort>(entry[DirentLengthOffset..]);
                    var type = entry[DirentTypeOffset];
                    var nameAt = offset + DirentNameOffset;
                    offset += recordLength;
                    var name = entry[DirentNameOffset..recordLength];
                    name = name[..name.IndexOf((byte)0)];
                    if (name is [(byte)'.'] or [(byte)'.', (byte)'.'] || type is not (DtUnknown or DtDirectory or DtRegular or DtSymlink))
                    {
                        continue; // fifos, sockets, devices are skipped, like rsync -a without -D
                    }

                    Visit(path, fd, scratch.EntriesAddress + nameAt, name, scratch, visit);
                }
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static void Visit(string path, int fd, IntPtr namePointer, ReadOnlySpan<byte> name, Scratch scratch, EntryVisitor visit)
    {
        if (statx(fd, namePointer, AtSymlinkNoFollow, StatxMask, scratch.StatAddress) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT)
            {
                return; // deleted while we listed: it is simply not part of the snapshot
            }

            throw Error(Path.Join(path, Encoding.UTF8.GetString(name)), errno);
        }

        var stat = scratch.Stat;
        int mode = MemoryMarshal.Read<ushort>(stat[StatxModeOffset..]);
        var kind = (mode & FileTypeMask) switch
        {
            TypeRegular => ItemKind.File,
            TypeDirectory => ItemKind.Directory,
            TypeSymlink => ItemKind.Symlink,
            _ => (ItemKind)(-1), // a special file that replaced the entry since it was listed
        };
        if (kind < 0)
        {
            return;
        }

        var size = (long)MemoryMarshal.Read<ulong>(stat[StatxSizeOffset..]);
        var mtime = Mtime(stat);
        string? target = null;
        if (kind == ItemKind.Symlink)
        {
            var n = readlinkat(fd, namePointer, scratch.Link, scratch.Link.Length);
            if (n < 0)
            {
                throw Error(Path.Join(path, Encoding.UTF8.GetString(name)), Marshal.GetLastPInvokeError());
            }

            target = Encoding.UTF8.GetString(scratch.Link, 0, (int)n);
        }

        visit(name, kind, size, mtime, mode & 0xFFF, target);
    }

    /// <summary>
    /// The entry at <paramref name="path"/> as <see cref="Read"/> reports it (kind, size, mtime, permission bits, link
    /// target), without following a final symlink; null when nothing is there, or a special file (fifo, socket, device).
    /// </summary>
    public static (ItemKind Kind, long Size, MtimeStamp Mtime, int Mode, string? Target)? EntryAt(string path, Scratch scratch)
    {
        if (statxPath(-100, Utf8(path), AtSymlinkNoFollow, StatxMask, scratch.StatAddress) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR ? null : throw Error(path, errno);
        }

        var stat = scratch.Stat;
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
        if (statxBuffer(-100, Utf8(path), AtSymlinkNoFollow, StatxMask, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR)
            {
                return null;
            }

            throw Error(path, errno);
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

    private static MtimeStamp Mtime(ReadOnlySpan<byte> stat)
    {
        var seconds = MemoryMarshal.Read<long>(stat[StatxMtimeOffset..]);
        var nanos = MemoryMarshal.Read<uint>(stat[(StatxMtimeOffset + 8)..]);
        return new MtimeStamp(DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanos / 100), (int)(nanos % 100));
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
            {
                // AT_FDCWD; getdents64 is in glibc since 2.30: a probe of it on an invalid descriptor fails with EBADF.
                return statxBuffer(-100, Utf8("/"), AtSymlinkNoFollow, StatxMask, new byte[256]) == 0 && getdents64(-1, IntPtr.Zero, 0) < 0;
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
    private static extern int open(byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint getdents64(int fd, IntPtr buffer, nint size);

    [DllImport("libc")]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, IntPtr path, int flags, uint mask, IntPtr buffer);

    [DllImport("libc", SetLastError = true, EntryPoint = "statx")]
    private static extern int statxPath(int dirfd, byte[] path, int flags, uint mask, IntPtr buffer);

    [DllImport("libc", SetLastError = true, EntryPoint = "statx")]
    private static extern int statxBuffer(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern nint readlinkat(int dirfd, IntPtr path, byte[] buffer, nint size);
#pragma warning restore SYSLIB1054, CA5392
}
