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

    private ListedSide(byte[]? value, Range[] ranges, SideDigest digest, Dictionary<string, Item>? items) =>
        (_value, _ranges, _digest, _items) = (value, ranges, digest, items);

    /// <summary>How many ranges the stored value has (0 for one read whole).</summary>
    public int RangeCount => _ranges.Length;

    public static ListedSide Of(IReadOnlyDictionary<string, Item> items) =>
        new(null, [], default, items as Dictionary<string, Item> ?? new Dictionary<string, Item>(items, StringComparer.Ordinal));

    public static ListedSide Of(byte[] value, Range[] ranges, SideDigest digest) => new(value, ranges, digest, null);

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
    /// only the others are decoded.
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

        if (nowDigest == _digest)
        {
            return now;
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

        var result = new Dictionary<string, Item>(now, StringComparer.Ordinal);
        i = 0;
        foreach (var item in now.Values)
        {
            var r = rangeOf[i++];
            if (digests[r] != _ranges[r].Digest)
            {
                result.Remove(item.Key);
            }
        }

        for (var r = 0; r < _ranges.Length; r++)
        {
            if (digests[r] != _ranges[r].Digest)
            {
                foreach (var (key, item) in DecodeRange(r))
                {
                    result[key] = item;
                }
            }
        }

        return result;
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
