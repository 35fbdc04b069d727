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

    /// <summary>The hash state after a field's name: computed once per field name, then passed to the Add methods.</summary>
    public static ulong Seed(string name)
    {
        var h = Offset;
        foreach (var c in name)
        {
            h = (h ^ c) * Prime;
        }

        return (h ^ 0xFFFF) * Prime;
    }

    public void Add(string name, object? value) => Add(Seed(name), value);

    public void Add(ulong seed, object? value)
    {
        switch (value)
        {
            case null:
                AddNull(seed);
                break;
            case string s:
                AddText(seed, s);
                break;
            case decimal d:
                var (mantissa, scale) = Normalized(d);
                AddNumber(seed, d < 0, mantissa, scale);
                break;
            case double d:
                _sum += Finish(Mix(Mix(seed, 3), (ulong)BitConverter.DoubleToInt64Bits(d)));
                break;
            case bool b:
                _sum += Finish(Mix(seed, b ? 4UL : 5UL));
                break;
            case DateOnly d:
                AddDate(seed, d.DayNumber);
                break;
            case DateTimeOffset t:
                _sum += Finish(Mix(Mix(seed, 7), (ulong)t.UtcTicks));
                break;
            default:
                throw new InvalidOperationException($"no hash for {value.GetType()}");
        }
    }

    public void AddNull(ulong seed) => _sum += Finish(Mix(seed, 0));

    public void AddText(ulong seed, ReadOnlySpan<char> text)
    {
        var h = (seed ^ 1) * Prime;
        foreach (var c in text)
        {
            h = (h ^ c) * Prime;
        }

        _sum += Finish(h);
    }

    /// <summary>Text given as ASCII bytes, which hash as the chars they stand for.</summary>
    public void AddAscii(ulong seed, ReadOnlySpan<byte> text)
    {
        var h = (seed ^ 1) * Prime;
        foreach (var c in text)
        {
            h = (h ^ c) * Prime;
        }

        _sum += Finish(h);
    }

    /// <summary>A number as its digits and scale without trailing zeros (1.50 as 15 and 1; zero as 0 and 0).</summary>
    public void AddNumber(ulong seed, bool negative, UInt128 mantissa, int scale) => AddNumber(seed, negative, (ulong)mantissa, (ulong)(mantissa >> 64), scale);

    /// <summary>A number of at most 19 digits, as <see cref="AddNumber(ulong, bool, UInt128, int)"/> hashes it.</summary>
    /// <remarks>No <see cref="UInt128"/> here: ReadyToRun leaves methods that pass one to the JIT, and this one is on every record's path.</remarks>
    public void AddNumber(ulong seed, bool negative, ulong mantissa, int scale) => AddNumber(seed, negative, mantissa, 0, scale);

    private void AddNumber(ulong seed, bool negative, ulong low, ulong high, int scale) =>
        _sum += Finish(Mix(Mix(Mix(Mix(seed, negative && (low | high) != 0 ? 2UL : 8UL), low), high), (ulong)scale));

    public void AddDate(ulong seed, int dayNumber) => _sum += Finish(Mix(Mix(seed, 6), (ulong)dayNumber));

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
