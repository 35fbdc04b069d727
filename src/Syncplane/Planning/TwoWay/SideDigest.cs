namespace Syncplane.Planning.TwoWay;

/// <summary>
/// A fingerprint of one side's items in every field but the content hash (key, kind, size, mtime to the nanosecond,
/// mode, link target), independent of their order: the sum of a 128-bit hash of each item, and the count.
/// </summary>
/// <remarks>
/// A side whose digest equals the one saved with the listing holds exactly what the listing says, so a re-sync can
/// tell that nothing changed without loading the listing. It detects accidental change (a chance of about 2^-64 to
/// miss one), not tampering; anything that differs falls back to the full comparison.
/// </remarks>
public readonly record struct SideDigest(ulong Low, ulong High, int Count)
{
    private const ulong Prime1 = 0x100000001b3;
    private const ulong Prime2 = 0x9E3779B97F4A7C15;

    public static SideDigest Of(IEnumerable<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var digest = default(SideDigest);
        foreach (var item in items)
        {
            digest = digest.Add(item);
        }

        return digest;
    }

    /// <summary>The digest of these items and one more.</summary>
    public SideDigest Add(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var (a, b) = Hash(item);
        return new SideDigest(Low + a, High + b, Count + 1);
    }

    /// <summary>The digest of these items and those of another digest (of other keys).</summary>
    public SideDigest Plus(SideDigest other) => new(Low + other.Low, High + other.High, Count + other.Count);

    private static (ulong, ulong) Hash(Item item)
    {
        ulong h1 = 0xcbf29ce484222325, h2 = 0x84222325cbf29ce4;
        Text(item.Key, ref h1, ref h2);
        Number((ulong)item.Kind, ref h1, ref h2);
        Number((ulong)item.Size, ref h1, ref h2);
        Number((ulong)item.MtimeTicks, ref h1, ref h2);
        Number((ulong)item.MtimeExtraNanos, ref h1, ref h2);
        Number((uint)item.Mode, ref h1, ref h2);
        if (item.LinkTarget is null)
        {
            Number(ulong.MaxValue, ref h1, ref h2);
        }
        else
        {
            Text(item.LinkTarget, ref h1, ref h2);
        }

        return (Mix(h1), Mix(h2 ^ 0x5555555555555555));
    }

    private static void Text(string text, ref ulong h1, ref ulong h2)
    {
        Number((ulong)text.Length, ref h1, ref h2);
        foreach (var c in text)
        {
            h1 = (h1 ^ c) * Prime1;
            h2 = (h2 ^ c) * Prime2;
        }
    }

    private static void Number(ulong value, ref ulong h1, ref ulong h2)
    {
        h1 = Mix(h1 ^ value) * Prime1;
        h2 = Mix(h2 + value) * Prime2;
    }

    /// <summary>The finalizer of SplitMix64: every bit of the input moves about half the output's bits.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
