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
}
