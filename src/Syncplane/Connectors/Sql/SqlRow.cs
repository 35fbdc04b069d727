namespace Syncplane.Connectors.Sql;

/// <summary>A record converted for writing or for a field-by-field comparison.</summary>
/// <param name="KeyValues">The key columns' values, in key order.</param>
/// <param name="Fields">The record's other fields by column name, except nulls for columns the table does not have.</param>
internal sealed record SqlRow(object?[] KeyValues, Dictionary<string, object?> Fields)
{
    /// <summary>The key values joined with '/' (<c>c42/2026-01-01</c>), as plans and messages name the row; formed only when asked (not for rows only written).</summary>
    public string Key => SpooledRecord.KeyTextOf(KeyValues);
}
