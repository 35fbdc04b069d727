using System.Diagnostics.CodeAnalysis;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Tests.Planning;

public sealed class TwoWayPlannerChangedOnlyAtTests
{
    [Fact]
    public async Task AListingSavedInSync_IsLookedUpOnlyAtTheKeysTheWalksDifferIn_AndThePlanIsTheSame()
    {
        var listed = Enumerable.Range(0, 100)
            .Select(i => new Item($"f{i:D3}", ItemKind.File, i, 638_000_000_000_000_000 + i))
            .ToDictionary(i => i.Key, StringComparer.Ordinal);
        var source = new Dictionary<string, Item>(listed, StringComparer.Ordinal) { ["f001"] = listed["f001"] with { Size = 999, MtimeTicks = 638_000_000_100_000_000 } };
        var destination = new Dictionary<string, Item>(listed, StringComparer.Ordinal);
        destination.Remove("f002");
        var looked = new List<string>();
        var listing = new Listing(new Recording(listed, looked), new Recording(listed, looked), "/a", "/b") { ChangedOnlyAt = new HashSet<string>(["f001", "f002"], StringComparer.Ordinal) };

        var plan = await PlanAsync(source, destination, listing);
        var lookedUp = looked.Distinct().Order(StringComparer.Ordinal).ToList();
        var whole = await PlanAsync(source, destination, listing with { ChangedOnlyAt = null });

        Assert.Equal(["f001", "f002"], lookedUp);
        Assert.Equal(whole.IntoSource, plan.IntoSource); // f002 deleted
        Assert.Equal(whole.IntoDestination, plan.IntoDestination); // f001 copied
        Assert.Equal(whole.Unchanged, plan.Unchanged);
        Assert.Equal((whole.SourceAsListed, whole.DestinationAsListed), (plan.SourceAsListed, plan.DestinationAsListed));
        Assert.Single(plan.IntoSource);
        Assert.Single(plan.IntoDestination);
    }

    private static Task<TwoWayPlan> PlanAsync(Dictionary<string, Item> source, Dictionary<string, Item> destination, Listing listing) =>
        TwoWayPlanner.PlanAsync(new Snapshot(source.Values), new Snapshot(destination.Values), listing, ConflictPolicy.KeepBoth, (_, _, _) => throw new InvalidOperationException("no content to compare"), CancellationToken.None);

    /// <summary>A listing side that records every key it is asked for.</summary>
    private sealed class Recording(Dictionary<string, Item> items, List<string> looked) : IReadOnlyDictionary<string, Item>
    {
        public int Count => items.Count;

        public IEnumerable<string> Keys => items.Keys;

        public IEnumerable<Item> Values => items.Values;

        public Item this[string key] => TryGetValue(key, out var item) ? item : throw new KeyNotFoundException(key);

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out Item value)
        {
            looked.Add(key);
            return items.TryGetValue(key, out value);
        }

        public IEnumerator<KeyValuePair<string, Item>> GetEnumerator() => items.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
