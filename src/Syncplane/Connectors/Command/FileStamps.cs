using Syncplane.Planning;

namespace Syncplane.Connectors.Command;

/// <summary>Size and last write time of a file: what tells an entrypoint's outputs apart before and after a run.</summary>
internal readonly record struct FileStamp(long Size, long MtimeTicks);

/// <summary>
/// Lists the files under a root whose relative '/'-separated keys match any of a set of globs, pruning
/// directories no glob can match. Directories named <c>.git</c> are never entered and symlinked
/// directories are not followed (a link cycle cannot hang the listing); files are reported, directories not.
/// </summary>
internal static class FileStamps
{
    private static readonly EnumerationOptions Options = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        RecurseSubdirectories = false,
    };

    /// <summary>The matching files: key → stamp. No globs, or a missing root, gives an empty listing.</summary>
    public static IReadOnlyDictionary<string, FileStamp> List(string root, IReadOnlyList<Glob> globs)
    {
        var found = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        if (globs.Count > 0 && System.IO.Directory.Exists(root))
        {
            Walk(new DirectoryInfo(root), "", globs, found);
        }

        return found;
    }

    private static void Walk(DirectoryInfo directory, string prefix, IReadOnlyList<Glob> globs, Dictionary<string, FileStamp> found)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos("*", Options))
        {
            var key = prefix + entry.Name;
            if (entry is DirectoryInfo sub)
            {
                if (entry.LinkTarget is null && entry.Name != ".git" && globs.Any(g => g.CouldMatchUnder(key)))
                {
                    Walk(sub, key + "/", globs, found);
                }
            }
            else if (entry is FileInfo file && globs.Any(g => g.IsMatch(key)))
            {
                found[key] = new FileStamp(file.Length, file.LastWriteTimeUtc.Ticks);
            }
        }
    }
}
