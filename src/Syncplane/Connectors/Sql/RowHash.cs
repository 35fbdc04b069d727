namespace Syncplane.Connectors.Sql;

/// <summary>
/// A 64-bit hash of a row's compared fields (names and values, in the form <see cref="FieldValues.FromJson"/> gives), stored
/// in the <c>_synced_hash</c> column: a row whose stored hash equals the record's is unchanged without reading its fields.
/// </summary>
/// <remarks>
/// Each field hashes on its own (FNV-1a, then mixed) and the fields' hashes are added, so the order the upstream
/// sends fields in does not matter. Numbers hash by value (1.50 as 1.5). A null field counts, so a field that becomes
/// null changes the hash. Not cryptographic: it detects changes, it does not guard against someone crafting collisions.
/// </remarks>
internal struct RowHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;
    private ulong _sum;

    public readonly long Value => unchecked((long)_sum);

    public void Add(string name, object? value)
    {
        var h = Offset;
        foreach (var c in name)
        {
            h = (h ^ c) * Prime;
        }

        h = (h ^ 0xFFFF) * Prime;
        switch (value)
        {
            case null:
                h = Mix(h, 0);
                break;
            case string s:
                h = (h ^ 1) * Prime;
                foreach (var c in s)
                {
                    h = (h ^ c) * Prime;
                }

                break;
            case decimal d:
                var (mantissa, scale) = Normalized(d);
                h = Mix(Mix(Mix(Mix(h, d < 0 ? 2UL : 8UL), (ulong)mantissa), (ulong)(mantissa >> 64)), (ulong)scale);
                break;
            case double d:
                h = Mix(Mix(h, 3), (ulong)BitConverter.DoubleToInt64Bits(d));
                break;
            case bool b:
                h = Mix(h, b ? 4UL : 5UL);
                break;
            case DateOnly d:
                h = Mix(Mix(h, 6), (ulong)d.DayNumber);
                break;
            case DateTimeOffset t:
                h = Mix(Mix(h, 7), (ulong)t.UtcTicks);
                break;
            default:
                throw new InvalidOperationException($"no hash for {value.GetType()}");
        }

        _sum += Finish(h);
    }

    /// <summary>The decimal's digits and scale without trailing zeros (1.50 as 15 and 1), so equal numbers hash alike.</summary>
    private static (UInt128 Mantissa, int Scale) Normalized(decimal d)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(d, bits);
        var mantissa = new UInt128((uint)bits[2], ((ulong)(uint)bits[1] << 32) | (uint)bits[0]);
        var scale = (bits[3] >> 16) & 0xFF;
        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }

        return mantissa == 0 ? (0, 0) : (mantissa, scale);
    }

    private static ulong Mix(ulong h, ulong value) => (h ^ value) * Prime;

    // splitmix64's finalizer: every input bit reaches every output bit before the sums are added.
    private static ulong Finish(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
