namespace Syncplane.Planning;

/// <summary>Computes the changes that make a destination look like a source.</summary>
public static class Planner
{
    /// <summary>Diffs two snapshots into an ordered plan.</summary>
    /// <remarks>
    /// <para>Keys only in the source are created; keys only in the destination are deleted when
    /// <paramref name="delete"/> is true, except the destination's <see cref="Snapshot.Kept"/> directories.
    /// For keys on both sides see <see cref="ItemComparison"/>: a different
    /// kind, size, link target or hash is a content update; same size with a different mtime asks
    /// <paramref name="sameContent"/> (when given) and becomes a metadata-only update when it says the
    /// contents are equal; a mode or directory mtime difference is a metadata-only update.</para>
    /// <para>The plan applies front to back: all deletes first, deepest first, then creates and updates with
    /// every directory before what is under it. A kind change (a file replaced by a directory) is one update
    /// after the deletes of the old directory's children.</para>
    /// </remarks>
    public static async Task<Plan> DiffAsync(
        Snapshot source,
        Snapshot destination,
        bool delete,
        Func<Item, Item, CancellationToken, ValueTask<bool>>? sameContent,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);

        var deletes = new List<Change>();
        var writes = new List<Change>();
        var undecided = new List<(Item Source, Item Destination)>();
        var unchanged = 0;

        foreach (var (key, item) in source.Items)
        {
            if (!destination.Items.TryGetValue(key, out var existing))
            {
                writes.Add(new Change(ChangeKind.Create, key, item, null));
                continue;
            }

            switch (ItemComparison.Compare(item, existing))
            {
                case ItemDifference.None:
                    unchanged += Counted(item);
                    break;
                case ItemDifference.Metadata:
                    writes.Add(new Change(ChangeKind.Update, key, item, existing, ContentChanged: false));
                    break;
                case ItemDifference.MaybeContent when sameContent is not null:
                    undecided.Add((item, existing));
                    break;
                default:
                    writes.Add(new Change(ChangeKind.Update, key, item, existing));
                    break;
            }
        }

        if (delete)
        {
            HashSet<string>? sourceParents = null;
            foreach (var (key, item) in destination.Items)
            {
                if (source.Items.ContainsKey(key) || (destination.Kept.Count > 0 && destination.Kept.Contains(key)))
                {
                    continue;
                }

                // Sources without directory items (a git tree lists files only) still imply their parents.
                if (item.Kind == ItemKind.Directory && (sourceParents ??= ParentsOf(source)).Contains(key))
                {
                    continue;
                }

                deletes.Add(new Change(ChangeKind.Delete, key, null, item));
            }
        }

        if (undecided.Count > 0)
        {
            var decided = new Change[undecided.Count];
            await Parallel.ForAsync(0, undecided.Count, ct, async (i, token) =>
            {
                var (src, dst) = undecided[i];
                var same = await sameContent!(src, dst, token);
                decided[i] = new Change(ChangeKind.Update, src.Key, src, dst, ContentChanged: !same);
            });
            writes.AddRange(decided);
        }

        deletes.Sort(KeyOrder.ChildrenFirst);
        writes.Sort(KeyOrder.ParentsFirst);

        var changes = new List<Change>(deletes.Count + writes.Count);
        changes.AddRange(deletes);
        changes.AddRange(writes);
        return new Plan(changes, Summarize(changes, unchanged), source.Revision);
    }

    private static HashSet<string> ParentsOf(Snapshot snapshot)
    {
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in snapshot.Items.Keys)
        {
            for (var slash = key.LastIndexOf('/'); slash > 0; slash = key.LastIndexOf('/', slash - 1))
            {
                if (!parents.Add(key[..slash]))
                {
                    break;
                }
            }
        }

        return parents;
    }

    // The summary counts items (records, files, links), never directories: 3 records are "3 unchanged", whatever folders hold them.
    private static int Counted(Item item) => item.Kind == ItemKind.Directory ? 0 : 1;

    internal static PlanSummary Summarize(List<Change> changes, int unchanged)
    {
        int creates = 0, updates = 0, deletes = 0;
        long bytes = 0;
        foreach (var change in changes)
        {
            // A kind change (a file replaced by a directory, or back) is one item updated.
            var counted = change.Source is { Kind: not ItemKind.Directory } || change.Destination is { Kind: not ItemKind.Directory } ? 1 : 0;
            switch (change.Kind)
            {
                case ChangeKind.Create:
                    creates += counted;
                    break;
                case ChangeKind.Update:
                    updates += counted;
                    break;
                default:
                    deletes += counted;
                    break;
            }

            if (change.ContentChanged && change.Source is { Kind: ItemKind.File } file)
            {
                bytes += file.Size;
            }
        }

        return new PlanSummary(creates, updates, deletes, unchanged, bytes);
    }
}
