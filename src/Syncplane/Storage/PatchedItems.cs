using System.Diagnostics.CodeAnalysis;
using Syncplane.Planning;

namespace Syncplane.Storage;

/// <summary>
/// One side of a two-way listing as a map that equals the side as stored (<see cref="Stored"/>) at every key but the
/// <see cref="Patched"/> ones, where it holds the patch's item or nothing: a side the walk took mostly unchanged, held
/// without copying the walk, and saved by re-encoding only the stored ranges the patched keys fall in
/// (<see cref="ListingCodec.Encode"/>).
/// </summary>
/// <remarks>
/// At a key that is not patched the base's item equals the stored one in every field the side's digest covers (the
/// base is the walk, whose ranges outside the patch have the stored digests); only a content hash the stored item has
/// may be missing, which the encoder keeps from the stored bytes.
/// </remarks>
internal sealed class PatchedItems : IReadOnlyDictionary<string, Item>
{
    private readonly IReadOnlyDictionary<string, Item> _base;
    private readonly Dictionary<string, Item?> _patch;

    /// <param name="base">Items equal to the stored side's at every key not in <paramref name="patch"/>.</param>
    /// <param name="patch">Key → the item there, or null for none.</param>
    /// <param name="stored">The stored side both are compared with.</param>
    public PatchedItems(IReadOnlyDictionary<string, Item> @base, Dictionary<string, Item?> patch, ListedSide stored)
    {
        (_base, _patch, Stored) = (@base, patch, stored);
        var count = @base.Count;
        foreach (var (key, item) in patch)
        {
            count += (item is null ? 0 : 1) - (@base.ContainsKey(key) ? 1 : 0);
        }

        Count = count;
    }

    /// <summary>The stored side these items equal at every key but the <see cref="Patched"/> ones.</summary>
    public ListedSide Stored { get; }

    /// <summary>The keys at which the items may differ from <see cref="Stored"/>.</summary>
    public IReadOnlyCollection<string> Patched => _patch.Keys;

    public int Count { get; }

    public Item this[string key] => TryGetValue(key, out var item) ? item : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<Item> Values => this.Select(p => p.Value);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Item value)
    {
        if (_patch.TryGetValue(key, out var patched))
        {
            value = patched;
            return patched is not null;
        }

        return _base.TryGetValue(key, out value);
    }

    public IEnumerator<KeyValuePair<string, Item>> GetEnumerator()
    {
        foreach (var pair in _base)
        {
            if (!_patch.ContainsKey(pair.Key))
            {
                yield return pair;
            }
        }

        foreach (var (key, item) in _patch)
        {
            if (item is not null)
            {
                yield return new KeyValuePair<string, Item>(key, item);
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
