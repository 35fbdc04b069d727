using System.IO.Enumeration;
using System.Runtime.InteropServices;
using System.Text;
using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// Lists a directory tree as items, one directory level at a time with the directories of a level read
/// in parallel. Never follows symlinks. An excluded entry is never listed, never taken for a leftover temp
/// file, and keeps the directories above it (<see cref="Snapshot.Kept"/>) so that no plan deletes them.
/// A subdirectory removed (or replaced by a file) between being listed and being read is left out of the
/// snapshot, like a file removed while its directory is read: the next run sees what is there then.
/// </summary>
internal sealed class TreeWalker(string root, KeyFilter filter, bool native = true)
{
    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false, // an unreadable directory must fail the snapshot, not look empty
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <summary>The visible items (with the directories to keep), and the full paths of leftover temp files found on the way.</summary>
    public (Snapshot Snapshot, List<string> TempFiles) Walk(CancellationToken ct)
    {
        var (snapshot, temps, _) = Walk([""], ct);
        return (snapshot, temps);
    }

    /// <summary>
    /// What is under the directories <paramref name="directoryKeys"/> (not the directories themselves); "" is the root,
    /// which must exist. <c>Vanished</c> holds the directories (given or found) that were gone when their turn to be read came.
    /// </summary>
    public (Snapshot Snapshot, List<string> TempFiles, HashSet<string> Vanished) Walk(IEnumerable<string> directoryKeys, CancellationToken ct)
    {
        var items = new List<Item>();
        var temps = new List<string>();
        var holders = new List<string>();
        var vanished = new HashSet<string>(StringComparer.Ordinal);
        var level = new List<string>(directoryKeys);
        var gate = new Lock();
        var parallel = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount };
        while (level.Count > 0)
        {
            var next = new List<string>();
            void Merge(Buffer buffer)
            {
                lock (gate)
                {
                    items.AddRange(buffer.Items);
                    next.AddRange(buffer.Directories);
                    temps.AddRange(buffer.Temps);
                    holders.AddRange(buffer.Holders);
                    vanished.UnionWith(buffer.Vanished);
                }
            }

            if (level.Count == 1)
            {
                // One directory (the root, or a chain of single subdirectories) is read on this thread: an empty
                // target's run and a small tree pay for no parallel workers.
                ct.ThrowIfCancellationRequested();
                var buffer = new Buffer();
                ReadDirectory(level[0], buffer);
                Merge(buffer);
            }
            else
            {
                Parallel.ForEach(
                    level,
                    parallel,
                    () => new Buffer(),
                    (dirKey, _, buffer) =>
                    {
                        ReadDirectory(dirKey, buffer);
                        return buffer;
                    },
                    Merge);
            }

            level = next;
        }

        if (vanished.Count > 0)
        {
            items.RemoveAll(item => vanished.Contains(item.Key));
        }

        return (new Snapshot(items) { Kept = WithAncestors(holders) }, temps, vanished);
    }

    /// <summary>
    /// The entries at <paramref name="keys"/> alone, as a walk would list them (missing ones, and those under a hidden
    /// directory, left out). Needs <see cref="NativeDirectoryReader.IsAvailable"/>.
    /// </summary>
    public (Snapshot Snapshot, List<string> TempFiles) Read(IEnumerable<string> keys, CancellationToken ct)
    {
        var buffer = new Buffer();
        foreach (var key in keys)
        {
            ct.ThrowIfCancellationRequested();
            var dirKey = SafeKeys.Parent(key);
            if (AncestorsVisible(dirKey) && NativeDirectoryReader.EntryAt(Path.Join(root, key), buffer.Scratch) is { } entry)
            {
                Add(dirKey, key, key.AsSpan(key.LastIndexOf('/') + 1), entry.Kind, entry.Size, entry.Mtime, entry.Mode, entry.Target, buffer);
            }
        }

        return (new Snapshot(buffer.Items) { Kept = WithAncestors(buffer.Holders) }, buffer.Temps);
    }

    private bool AncestorsVisible(string dirKey)
    {
        for (var key = dirKey; key.Length > 0; key = SafeKeys.Parent(key))
        {
            if (!filter.IsVisibleDirectory(key))
            {
                return false;
            }
        }

        return true;
    }

    private static HashSet<string> WithAncestors(List<string> directories)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            for (var key = directory; key.Length > 0 && kept.Add(key); key = SafeKeys.Parent(key))
            {
            }
        }

        return kept;
    }

    private void ReadDirectory(string dirKey, Buffer buffer)
    {
        var path = dirKey.Length == 0 ? root : Path.Join(root, dirKey);
        bool found;
        if (native && NativeDirectoryReader.IsAvailable)
        {
            found = NativeDirectoryReader.Read(path, buffer.Scratch, (name, kind, size, mtime, mode, target) =>
            {
                var key = KeyOf(dirKey, name);
                Add(dirKey, key, key.AsSpan(dirKey.Length == 0 ? 0 : dirKey.Length + 1), kind, size, mtime, mode, target, buffer);
            });
        }
        else
        {
            found = ReadManaged(path, dirKey, buffer);
        }

        if (!found)
        {
            buffer.Vanished.Add(dirKey.Length > 0 ? dirKey : throw new DirectoryNotFoundException($"cannot read {path}: no such directory"));
        }
    }

    private bool ReadManaged(string path, string dirKey, Buffer buffer)
    {
        try
        {
            var enumerable = new FileSystemEnumerable<bool>(path, (ref FileSystemEntry entry) => Visit(ref entry, dirKey, buffer), Options);
            foreach (var _ in enumerable)
            {
            }

            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private bool Visit(ref FileSystemEntry entry, string dirKey, Buffer buffer)
    {
        var name = entry.FileName;
        var attributes = entry.Attributes;
        var isLink = (attributes & FileAttributes.ReparsePoint) != 0;
        var isDirectory = !isLink && entry.IsDirectory;
        var key = dirKey.Length == 0 ? name.ToString() : string.Concat(dirKey, "/", name);
        if (isDirectory)
        {
            if (!filter.IsVisibleDirectory(key))
            {
                Hidden(dirKey, key, buffer);
                return false;
            }

            var info = entry.ToFileSystemInfo();
            buffer.Items.Add(new Item(key, ItemKind.Directory, 0, entry.LastWriteTimeUtc.UtcTicks, (int)info.UnixFileMode));
            buffer.Directories.Add(key);
            return true;
        }

        if (TempFiles.IsTempName(name))
        {
            Temp(dirKey, key, entry.ToFullPath(), buffer);
            return false;
        }

        if (!filter.IsVisibleLeaf(key))
        {
            Hidden(dirKey, key, buffer);
            return false;
        }

        if (isLink)
        {
            var target = entry.ToFileSystemInfo().LinkTarget ?? "";
            buffer.Items.Add(new Item(key, ItemKind.Symlink, Encoding.UTF8.GetByteCount(target), entry.LastWriteTimeUtc.UtcTicks, LinkTarget: target));
            return true;
        }

        var file = entry.ToFileSystemInfo();
        buffer.Items.Add(new Item(key, ItemKind.File, entry.Length, entry.LastWriteTimeUtc.UtcTicks, (int)file.UnixFileMode));
        return true;
    }

    /// <summary>
    /// "dir/name" decoded straight from the name's bytes into one string (invalid UTF-8 becomes U+FFFD, as with
    /// <see cref="Marshal.PtrToStringUTF8(IntPtr)"/>): one allocation per entry instead of a name and then a key.
    /// </summary>
    private static string KeyOf(string dirKey, ReadOnlySpan<byte> name)
    {
        if (dirKey.Length == 0)
        {
            return Encoding.UTF8.GetString(name);
        }

        return string.Create(dirKey.Length + 1 + Encoding.UTF8.GetCharCount(name), new KeyParts(dirKey, name), static (chars, parts) =>
        {
            parts.Directory.CopyTo(chars);
            chars[parts.Directory.Length] = '/';
            Encoding.UTF8.GetChars(parts.Name, chars[(parts.Directory.Length + 1)..]);
        });
    }

    private void Add(string dirKey, string key, ReadOnlySpan<char> name, ItemKind kind, long size, MtimeStamp mtime, int mode, string? target, Buffer buffer)
    {
        var ticks = mtime.Ticks;
        var nanos = mtime.ExtraNanos;
        if (kind != ItemKind.Directory && TempFiles.IsTempName(name))
        {
            Temp(dirKey, key, Path.Join(root, key), buffer);
            return;
        }

        switch (kind)
        {
            case ItemKind.Directory when filter.IsVisibleDirectory(key):
                buffer.Items.Add(new Item(key, ItemKind.Directory, 0, ticks, mode, MtimeExtraNanos: nanos));
                buffer.Directories.Add(key);
                break;
            case ItemKind.Symlink when filter.IsVisibleLeaf(key):
                buffer.Items.Add(new Item(key, ItemKind.Symlink, size, ticks, LinkTarget: target, MtimeExtraNanos: nanos));
                break;
            case ItemKind.File when filter.IsVisibleLeaf(key):
                buffer.Items.Add(new Item(key, ItemKind.File, size, ticks, mode, MtimeExtraNanos: nanos));
                break;
            default:
                Hidden(dirKey, key, buffer);
                break;
        }
    }

    /// <summary>One of our temp files is a leftover to remove, unless an exclude covers it: then it is the user's.</summary>
    private void Temp(string dirKey, string key, string path, Buffer buffer)
    {
        if (filter.IsExcluded(key))
        {
            buffer.Holders.Add(dirKey);
        }
        else
        {
            buffer.Temps.Add(path);
        }
    }

    /// <summary>An entry left out by an exclude (not merely by the include list) keeps its directory.</summary>
    private void Hidden(string dirKey, string key, Buffer buffer)
    {
        if (dirKey.Length > 0 && filter.IsExcluded(key))
        {
            buffer.Holders.Add(dirKey);
        }
    }

    private readonly ref struct KeyParts(string directory, ReadOnlySpan<byte> name)
    {
        public string Directory { get; } = directory;

        public ReadOnlySpan<byte> Name { get; } = name;
    }

    private sealed class Buffer
    {
        public NativeDirectoryReader.Scratch Scratch { get; } = new();

        public List<Item> Items { get; } = [];

        public List<string> Directories { get; } = [];

        public List<string> Temps { get; } = [];

        /// <summary>Directories that hold an excluded entry.</summary>
        public List<string> Holders { get; } = [];

        public List<string> Vanished { get; } = [];
    }
}
