namespace Syncplane.Connectors.Sql;

/// <summary>
/// The order rows are compared in: key values column by column, text by its UTF-8 bytes (what SQLite's BINARY and
/// PostgreSQL's "C" collations sort by, so a key read back from the table sorts where the record's key does), numbers
/// by value, dates and instants by time, false before true.
/// </summary>
internal static class KeyOrder
{
    public static int Compare(object?[] a, object?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var order = Compare(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    /// <summary>UTF-16 code units compare like UTF-8 bytes except surrogates (code points above U+FFFF), which sort after U+E000–U+FFFF.</summary>
    public static int Utf8(string a, string b)
    {
        var common = a.AsSpan().CommonPrefixLength(b);
        if (common == a.Length || common == b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }

        return Fixed(a[common]).CompareTo(Fixed(b[common]));
    }

    private static int Fixed(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;

    private static int Compare(object? a, object? b) => (a, b) switch
    {
        (string x, string y) => Utf8(x, y),
        (decimal x, decimal y) => x.CompareTo(y),
        (double x, decimal y) => x.CompareTo((double)y),
        (decimal x, double y) => ((double)x).CompareTo(y),
        (double x, double y) => x.CompareTo(y),
        (bool x, bool y) => x.CompareTo(y),
        (DateOnly x, DateOnly y) => x.CompareTo(y),
        (DateTimeOffset x, DateTimeOffset y) => x.UtcTicks.CompareTo(y.UtcTicks),
        _ => throw new InvalidDataException(
            $"a key value {FieldValues.Literal(a)} cannot be ordered against {FieldValues.Literal(b)} (different types); the table's key column holds values of another type than the records' key"),
    };
}
