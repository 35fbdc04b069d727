using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// A snapshot of part of a folder for a run that reads only changed paths: the entries at the given keys (the changed
/// paths and their parents), plus everything under those of them that are directories <paramref name="walkUnder"/>
/// selects (a directory created, moved in, deleted or replaced brings its contents along).
/// </summary>
internal static class ChangedPathSnapshot
{
    /// <summary>Whether a run can read changed paths on this machine (the single-entry stat is native).</summary>
    public static bool IsAvailable => NativeDirectoryReader.IsAvailable;

    public static (Snapshot Snapshot, List<string> TempFiles) Read(TreeWalker walker, IReadOnlyCollection<string> keys, Func<Item, bool> walkUnder, CancellationToken ct)
    {
        var (entries, temps) = walker.Read(keys, ct);
        var under = entries.Items.Values.Where(i => i.Kind == ItemKind.Directory && walkUnder(i)).Select(i => i.Key).ToList();
        if (under.Count == 0)
        {
            return (entries, temps);
        }

        var (subtree, more, vanished) = walker.Walk(under, ct);
        var kept = new HashSet<string>(entries.Kept, StringComparer.Ordinal);
        kept.UnionWith(subtree.Kept);
        var found = entries.Items.Values.Where(i => !vanished.Contains(i.Key));
        return (new Snapshot(found.Concat(subtree.Items.Values)) { Kept = kept }, [.. temps, .. more]);
    }

    /// <summary>The changed paths with all their parent directories (the root excepted).</summary>
    public static IReadOnlyCollection<string> WithParents(IEnumerable<string> paths)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            for (var key = path; key.Length > 0 && keys.Add(key); key = SafeKeys.Parent(key))
            {
            }
        }

        return keys;
    }
}
