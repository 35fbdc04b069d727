using System.Globalization;
using System.Security.Cryptography;

namespace Syncplane.Tests.Support;

/// <summary>
/// A comparable description of a directory tree: one line per entry with kind, mode, file mtime, size and
/// content hash, or link target. Never follows symlinks. The root itself is not listed.
/// </summary>
internal static class TreeListing
{
    public static List<string> Describe(string root, bool withDirectoryTimes = true)
    {
        var lines = new List<string>();
        Walk(root, "", lines, withDirectoryTimes);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void Walk(string directory, string prefix, List<string> lines, bool withDirectoryTimes)
    {
        foreach (var info in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            var key = prefix + info.Name;
            if (info.LinkTarget is { } target)
            {
                lines.Add($"L {key} -> {target}");
            }
            else if (info is DirectoryInfo dir)
            {
                var mtime = withDirectoryTimes ? dir.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture) : "-";
                lines.Add($"D {key} {Mode(info)} {mtime}");
                Walk(dir.FullName, key + "/", lines, withDirectoryTimes);
            }
            else
            {
                var file = (FileInfo)info;
                lines.Add($"F {key} {Mode(info)} {file.LastWriteTimeUtc.Ticks} {file.Length} {Hash(file.FullName)}");
            }
        }
    }

    private static string Mode(FileSystemInfo info) => Convert.ToString((int)info.UnixFileMode, 8);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
