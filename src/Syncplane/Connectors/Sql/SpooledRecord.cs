namespace Syncplane.Connectors.Sql;

/// <summary>A record as the run keeps it between reading and comparing.</summary>
/// <param name="Key">The key columns' values, in key order.</param>
/// <param name="Hash">The <see cref="RowHash"/> of its compared fields.</param>
/// <param name="Json">The record's JSON (UTF-8), converted again only when its row is compared field by field or written.</param>
/// <param name="Where">Which record this is ("record 3 of page 2 (URL)").</param>
/// <param name="Sequence">Its position in the source's order, which decides which of two records with one key came first.</param>
internal sealed record SpooledRecord(object?[] Key, long Hash, byte[] Json, string Where, long Sequence)
{
    /// <summary>The key values joined with '/' (<c>c42/2026-01-01</c>), as plans and messages name the row.</summary>
    public string KeyText => KeyTextOf(Key);

    public static string KeyTextOf(object?[] key) => string.Join('/', key.Select(FieldValues.KeyText));

    /// <summary>By key (see <see cref="KeyOrder"/>), then by source order.</summary>
    public static int Compare(SpooledRecord a, SpooledRecord b)
    {
        var order = KeyOrder.Compare(a.Key, b.Key);
        return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
    }
}
