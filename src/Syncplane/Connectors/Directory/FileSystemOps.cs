using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>Small file-system helpers that never follow a symlink at the last path component.</summary>
internal static class FileSystemOps
{
    /// <summary>What is at <paramref name="path"/> (lstat), or null when nothing is.</summary>
    public static ItemKind? KindAt(string path)
    {
        if (NativeDirectoryReader.IsAvailable)
        {
            return NativeDirectoryReader.KindAt(path); // no exception per missing path
        }

        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        if ((attributes & FileAttributes.ReparsePoint) != 0)
        {
            return ItemKind.Symlink;
        }

        return (attributes & FileAttributes.Directory) != 0 ? ItemKind.Directory : ItemKind.File;
    }

    /// <summary>
    /// True when what is at <paramref name="path"/> is still <paramref name="expected"/> as it was listed (same kind, and
    /// same size and mtime for a file, same target for a link), or nothing is there and <paramref name="expected"/> is null.
    /// </summary>
    public static bool Matches(string path, Item? expected)
    {
        (ItemKind Kind, long Size, MtimeStamp Mtime)? stat;
        if (NativeDirectoryReader.IsAvailable)
        {
            stat = NativeDirectoryReader.StatAt(path);
        }
        else
        {
            var info = new FileInfo(path);
            stat = KindAt(path) is { } kind ? (kind, kind == ItemKind.File ? info.Length : 0, new MtimeStamp(info.LastWriteTimeUtc.Ticks, 0)) : null;
        }

        if (expected is null || stat is null)
        {
            return expected is null && stat is null;
        }

        return stat.Value.Kind == expected.Kind && expected.Kind switch
        {
            ItemKind.Directory => true,
            ItemKind.Symlink => string.Equals(new FileInfo(path).LinkTarget, expected.LinkTarget, StringComparison.Ordinal),
            _ => stat.Value.Size == expected.Size && stat.Value.Mtime == MtimeStamp.Of(expected),
        };
    }

    /// <summary>Removes whatever is at <paramref name="path"/> unless it is a directory; false when it is one.</summary>
    public static bool DeleteNonDirectory(string path)
    {
        switch (KindAt(path))
        {
            case null:
                return true;
            case ItemKind.Directory:
                return false;
            default:
                File.Delete(path);
                return true;
        }
    }

    /// <summary>
    /// Deletes a directory tree except entries whose keys <paramref name="keep"/> says to keep (excluded
    /// keys, which are invisible and never deleted, even when named like our temp files). True when the
    /// directory is gone.
    /// </summary>
    public static bool DeleteTree(string path, string key, Func<string, bool> keep)
    {
        var empty = true;
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }))
        {
            var childKey = key.Length == 0 ? entry.Name : key + "/" + entry.Name;
            if (keep(childKey))
            {
                empty = false;
                continue;
            }

            if ((entry.Attributes & FileAttributes.ReparsePoint) == 0 && (entry.Attributes & FileAttributes.Directory) != 0)
            {
                empty &= DeleteTree(entry.FullName, childKey, keep);
            }
            else
            {
                entry.Delete();
            }
        }

        if (empty)
        {
            System.IO.Directory.Delete(path);
        }

        return empty;
    }

    /// <summary>Sets Unix permission bits; a no-op on Windows, which has none.</summary>
    public static void SetMode(string path, int mode)
    {
        if (mode != 0 && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)mode);
        }
    }

    public static DateTime UtcFromTicks(long ticks) => new(ticks, DateTimeKind.Utc);

    /// <summary>The mtime of what is at <paramref name="path"/> (not following a final symlink), to the nanosecond where the platform tells.</summary>
    public static MtimeStamp MtimeAt(string path) =>
        NativeDirectoryReader.IsAvailable
            ? NativeDirectoryReader.StatAt(path)?.Mtime ?? throw new FileNotFoundException($"cannot read the mtime of {path}: it is gone", path)
            : new MtimeStamp(File.GetLastWriteTimeUtc(path).Ticks, 0);

    /// <summary>
    /// Sets the mtime of the file or directory at <paramref name="path"/> to the nanosecond (utimensat(2)) where the platform
    /// allows, else to the 100 ns that <see cref="DateTime"/> holds. The atime is left alone, as rsync does without --atimes.
    /// </summary>
    public static void SetMtime(string path, MtimeStamp mtime)
    {
        if (NativeFileCopy.IsAvailable)
        {
            NativeFileCopy.SetTime(path, mtime);
        }
        else if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.SetLastWriteTimeUtc(path, UtcFromTicks(mtime.Ticks));
        }
        else
        {
            File.SetLastWriteTimeUtc(path, UtcFromTicks(mtime.Ticks));
        }
    }
}
