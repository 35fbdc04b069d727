namespace Syncplane.Connectors.Sql;

/// <summary>A record as the run keeps it between reading and comparing.</summary>
/// <param name="Key">The key columns' values, in key order.</param>
/// <param name="Hash">The <see cref="RowHash"/> of its compared fields.</param>
/// <param name="Json">The record's JSON (UTF-8), converted again only when its row is compared field by field or written.</param>
/// <param name="Page">Which of the run's pages (its origins) the record came from.</param>
/// <param name="Index">Its position (from 1) in that page; 0 when the origin names the record itself.</param>
/// <param name="Sequence">Its position in the source's order, which decides which of two records with one key came first.</param>
internal sealed record SpooledRecord(object?[] Key, long Hash, ReadOnlyMemory<byte> Json, int Page, int Index, long Sequence)
{
    /// <summary>The key values joined with '/' (<c>c42/2026-01-01</c>), as plans and messages name the row.</summary>
    public string KeyText => KeyTextOf(Key);

    public static string KeyTextOf(object?[] key) => string.Join('/', key.Select(FieldValues.KeyText));
}
