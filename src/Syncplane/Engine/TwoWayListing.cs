using Syncplane.Planning;
using Syncplane.Planning.TwoWay;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>The listing a successful two-way run leaves: what each side holds now, as rows that differ from the old listing.</summary>
internal static class TwoWayListing
{
    /// <param name="plan">The applied plan (its side items are the snapshots, with computed hashes).</param>
    /// <param name="old">The listing the plan was made against; null for a resync.</param>
    /// <param name="skipped">Keys left alone because they changed during the run: their old rows stay on both sides.</param>
    public static ListingChanges After(TwoWayPlan plan, Listing? old, IReadOnlySet<string> skipped, string sourceRoot, string destinationRoot)
    {
        var (sourceUpserts, sourceDeletes) = Side(plan, TwoWaySide.Source, old?.Source, skipped);
        var (destinationUpserts, destinationDeletes) = Side(plan, TwoWaySide.Destination, old?.Destination, skipped);
        return new ListingChanges(sourceRoot, destinationRoot, sourceUpserts, sourceDeletes, destinationUpserts, destinationDeletes);
    }

    private static (List<Item> Upserts, List<string> Deletes) Side(TwoWayPlan plan, TwoWaySide side, IReadOnlyDictionary<string, Item>? old, IReadOnlySet<string> skipped)
    {
        old ??= new Dictionary<string, Item>();
        var now = new Dictionary<string, Item>(plan.ItemsOf(side), StringComparer.Ordinal);
        foreach (var change in plan.Into(side))
        {
            if (change.Kind == ChangeKind.Delete)
            {
                now.Remove(change.Key);
            }
            else
            {
                now[change.Key] = change.Source! with { Key = change.Key }; // a copy keeps its size, mtime and mode
            }
        }

        foreach (var key in skipped)
        {
            if (old.TryGetValue(key, out var listed))
            {
                now[key] = listed;
            }
            else
            {
                now.Remove(key);
            }
        }

        var upserts = new List<Item>();
        foreach (var (key, item) in now)
        {
            if (!old.TryGetValue(key, out var listed))
            {
                upserts.Add(item);
            }
            else if (item != listed)
            {
                // A hash computed before stays while the file is unchanged.
                var kept = item.Hash is null && listed.Hash is not null && TwoWayPlanner.QuickSame(item, listed) ? item with { Hash = listed.Hash } : item;
                if (kept != listed)
                {
                    upserts.Add(kept);
                }
            }
        }

        var deletes = old.Keys.Where(k => !now.ContainsKey(k)).ToList();
        return (upserts, deletes);
    }
}
