using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

/// <summary>
/// One side of a stored two-way listing as read from the store: the ranges of a format 4 value, decoded only where a
/// walk differs from them (<see cref="Against"/>), or all the items of a listing saved in an older format.
/// </summary>
internal sealed class ListedSide
{
    private readonly byte[]? _value;
    private readonly Range[] _ranges;
    private readonly SideDigest _digest;
    private readonly Dictionary<string, Item>? _items;

    private ListedSide(byte[]? value, Range[] ranges, SideDigest digest, bool inSync, Dictionary<string, Item>? items) =>
        (_value, _ranges, _digest, InSync, _items) = (value, ranges, digest, inSync, items);

    /// <summary>How many ranges the stored value has (0 for one read whole).</summary>
    public int RangeCount => _ranges.Length;

    /// <summary>Whether the listing was saved in sync (<see cref="Planning.TwoWay.ListingDigests.InSync"/>); false for one read whole.</summary>
    public bool InSync { get; }

    public static ListedSide Of(IReadOnlyDictionary<string, Item> items) =>
        new(null, [], default, false, items as Dictionary<string, Item> ?? new Dictionary<string, Item>(items, StringComparer.Ordinal));

    public static ListedSide Of(byte[] value, Range[] ranges, SideDigest digest, bool inSync) => new(value, ranges, digest, inSync, null);

    /// <summary>Every item of the side.</summary>
    public Dictionary<string, Item> Decode()
    {
        if (_items is not null)
        {
            return _items;
        }

        var all = new Dictionary<string, Item>(_digest.Count, StringComparer.Ordinal);
        for (var r = 0; r < _ranges.Length; r++)
        {
            foreach (var (key, item) in DecodeRange(r))
            {
                all[key] = item;
            }
        }

        return all;
    }

    /// <summary>
    /// The side's items as a run needs them against what the side holds <paramref name="now"/> (whose digest is
    /// <paramref name="nowDigest"/>): a range whose stored digest the walk's items in it have is taken from the walk,
    /// only the others are decoded, and patched over the walk (<see cref="PatchedItems"/>, which the save then uses).
    /// </summary>
    /// <remarks>
    /// A range with the walk's digest holds the walk's items in every field the planner compares (key, kind, size, mtime,
    /// mode, link target); only a content hash a run computed may be missing, which no decision reads (a walk computes
    /// none), which <see cref="Engine.TwoWayListing"/> keeps, and which <see cref="ListingCodec.Encode"/> keeps on save from
    /// the stored bytes.
    /// </remarks>
    public IReadOnlyDictionary<string, Item> Against(IReadOnlyDictionary<string, Item> now, SideDigest nowDigest)
    {
        if (_items is not null)
        {
            return _items;
        }

        var patch = new Dictionary<string, Item?>(StringComparer.Ordinal);
        if (nowDigest == _digest)
        {
            return new PatchedItems(now, patch, this);
        }

        if (_ranges.Length == 0)
        {
            return new Dictionary<string, Item>(StringComparer.Ordinal); // listed empty
        }

        var digests = new SideDigest[_ranges.Length];
        var rangeOf = new int[now.Count];
        var i = 0;
        foreach (var item in now.Values)
        {
            var r = rangeOf[i++] = RangeOf(item.Key);
            digests[r] = digests[r].Add(item);
        }

        // In a range the walk differs in, every key either holds is patched: the walk's with nothing, then the stored ones with their items.
        i = 0;
        foreach (var item in now.Values)
        {
            var r = rangeOf[i++];
            if (digests[r] != _ranges[r].Digest)
            {
                patch[item.Key] = null;
            }
        }

        for (var r = 0; r < _ranges.Length; r++)
        {
            if (digests[r] != _ranges[r].Digest)
            {
                foreach (var (key, item) in DecodeRange(r))
                {
                    patch[key] = item;
                }
            }
        }

        return new PatchedItems(now, patch, this);
    }

    /// <summary>The range a key belongs to: the last whose first key is not after it (the first range takes every key before the second).</summary>
    public int RangeOf(string key)
    {
        int low = 1, high = _ranges.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (string.CompareOrdinal(_ranges[middle].First, key) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low - 1;
    }

    public SideDigest DigestOf(int range) => _ranges[range].Digest;

    public (string First, byte[] Value, int Offset, int Length) BytesOf(int range) =>
        (_ranges[range].First, _value!, _ranges[range].Offset, _ranges[range].Length);

    public Dictionary<string, Item> DecodeRange(int range) => ListingCodec.DecodeRange(_value!, _ranges[range]);

    /// <summary>One range of a format 4 value: its first key, its digest (with its item count) and where its bytes are.</summary>
    internal readonly record struct Range(string First, SideDigest Digest, int Offset, int Length);
}
