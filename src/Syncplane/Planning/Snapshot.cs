namespace Syncplane.Planning;

/// <summary>An immutable set of items keyed by <see cref="Item.Key"/> (ordinal).</summary>
public sealed class Snapshot
{
    public static readonly Snapshot Empty = new([]);

    public Snapshot(IEnumerable<Item> items)
    {
        var map = items.TryGetNonEnumeratedCount(out var count)
            ? new Dictionary<string, Item>(count, StringComparer.Ordinal)
            : new Dictionary<string, Item>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            map[item.Key] = item;
        }

        Items = map;
    }

    /// <summary>Optional revision of the source this snapshot was taken from (for example a git commit SHA).</summary>
    public string? Revision { get; init; }

    public IReadOnlyDictionary<string, Item> Items { get; }

    /// <summary>
    /// Directory keys that must stay even when the other side lacks them, because they hold entries the
    /// connector excludes (rsync keeps them too); the planner never deletes these.
    /// </summary>
    public IReadOnlySet<string> Kept { get; init; } = EmptyKeys;

    private static readonly HashSet<string> EmptyKeys = [];

    public int Count => Items.Count;
}
