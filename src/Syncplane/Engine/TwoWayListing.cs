using Syncplane.Planning;
using Syncplane.Planning.TwoWay;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>The listing a successful two-way run leaves: what each side holds now.</summary>
internal static class TwoWayListing
{
    /// <param name="plan">The applied plan (its side items are the snapshots, with computed hashes).</param>
    /// <param name="old">The listing the plan was made against; null for a resync.</param>
    /// <param name="skipped">Keys left alone because they changed during the run: their old rows stay on both sides.</param>
    /// <returns>The new listing, or null when it is the old one (an unchanged re-sync writes nothing).</returns>
    public static Listing? After(TwoWayPlan plan, Listing? old, IReadOnlySet<string> skipped, string sourceRoot, string destinationRoot)
    {
        var (source, sourceChanged) = Side(plan, TwoWaySide.Source, old?.Source, skipped);
        var (destination, destinationChanged) = Side(plan, TwoWaySide.Destination, old?.Destination, skipped);
        var same = old is not null && !sourceChanged && !destinationChanged && old.SourceRoot == sourceRoot && old.DestinationRoot == destinationRoot;
        return same ? null : new Listing(source, destination, sourceRoot, destinationRoot);
    }

    private static (IReadOnlyDictionary<string, Item> Items, bool Changed) Side(TwoWayPlan plan, TwoWaySide side, IReadOnlyDictionary<string, Item>? old, IReadOnlySet<string> skipped)
    {
        if (old is PatchedItems patched)
        {
            return Patched(plan, side, patched, skipped);
        }

        old ??= new Dictionary<string, Item>();
        if (plan.AsListed(side) && plan.Into(side).Count == 0 && skipped.Count == 0)
        {
            return (plan.ItemsOf(side), false); // the planner found every item equal to its listed self: nothing to compare again
        }

        // The side as the plan found it, copied only when the run changed it: an unchanged re-sync just compares.
        var current = plan.ItemsOf(side);
        Dictionary<string, Item>? now = null;
        if (plan.Into(side).Count > 0 || skipped.Count > 0)
        {
            now = new Dictionary<string, Item>(current, StringComparer.Ordinal);
            current = now;
        }

        foreach (var change in plan.Into(side))
        {
            if (change.Kind == ChangeKind.Delete)
            {
                now!.Remove(change.Key);
            }
            else
            {
                now![change.Key] = change.Source! with { Key = change.Key }; // a copy keeps its size, mtime and mode
            }
        }

        foreach (var key in skipped)
        {
            if (old.TryGetValue(key, out var listed))
            {
                now![key] = listed;
            }
            else
            {
                now!.Remove(key);
            }
        }

        var changed = current.Count != old.Count;
        var hashesKept = new List<Item>();
        foreach (var (key, item) in current)
        {
            if (!old.TryGetValue(key, out var listed))
            {
                changed = true;
            }
            else if (item != listed)
            {
                var kept = TwoWayPlanner.WithListedHash(item, listed);
                if (!ReferenceEquals(kept, item))
                {
                    hashesKept.Add(kept);
                }

                changed |= kept != listed;
            }
        }

        if (hashesKept.Count > 0)
        {
            now ??= new Dictionary<string, Item>(current, StringComparer.Ordinal);
            foreach (var item in hashesKept)
            {
                now[item.Key] = item;
            }
        }

        return (now ?? current, changed);
    }

    /// <summary>
    /// The side after the run as the plan's items patched at the keys where they may differ from the stored side: those
    /// the walk differed in (<see cref="PatchedItems.Patched"/>), those the run wrote, and those it left; every other item
    /// is the walk's, as stored. The work is by patched key, not by item, and the save re-encodes only their ranges.
    /// </summary>
    private static (IReadOnlyDictionary<string, Item> Items, bool Changed) Patched(TwoWayPlan plan, TwoWaySide side, PatchedItems listed, IReadOnlySet<string> skipped)
    {
        var current = plan.ItemsOf(side);
        var patch = new Dictionary<string, Item?>(StringComparer.Ordinal);
        foreach (var key in listed.Patched)
        {
            patch[key] = current.GetValueOrDefault(key);
        }

        foreach (var change in plan.Into(side))
        {
            patch[change.Key] = change.Kind == ChangeKind.Delete ? null : change.Source! with { Key = change.Key }; // a copy keeps its size, mtime and mode
        }

        foreach (var key in skipped)
        {
            patch[key] = listed.GetValueOrDefault(key);
        }

        var changed = false;
        foreach (var (key, item) in patch.ToList())
        {
            var was = listed.GetValueOrDefault(key);
            var now = item is null ? null : TwoWayPlanner.WithListedHash(item, was);
            patch[key] = now;
            changed |= now != was;
        }

        return (new PatchedItems(current, patch, listed.Stored), changed);
    }
}
