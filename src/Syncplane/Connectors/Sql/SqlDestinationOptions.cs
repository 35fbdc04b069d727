namespace Syncplane.Connectors.Sql;

/// <summary>Options of the <c>sql</c> destination.</summary>
/// <param name="Connection">A SQLite file path (absolute, resolved against the config's directory) or a PostgreSQL URL or Npgsql key=value string; may hold secret references, resolved for each run and never logged.</param>
/// <param name="Table">The table, as written (<c>ad_metrics</c>, <c>analytics.ad_metrics</c> on PostgreSQL).</param>
internal sealed record SqlDestinationOptions(string Connection, SqlTableName Table)
{
    /// <summary>The fields compared to decide whether a row changed; null compares every field of the record.</summary>
    public IReadOnlyList<string>? Compare { get; init; }

    /// <summary>Column types for fields, overriding what is inferred from the first value.</summary>
    public IReadOnlyDictionary<string, ColumnKind> Columns { get; init; } = new Dictionary<string, ColumnKind>();

    /// <summary>Delete rows whose key the source no longer has. <value>false</value></summary>
    public bool Delete { get; init; }

    /// <summary>Fail instead of adding a column when a field appears that the table lacks. <value>false</value></summary>
    public bool StrictSchema { get; init; }
}

/// <summary>A table name, optionally qualified by a schema (PostgreSQL only).</summary>
internal sealed record SqlTableName(string? Schema, string Name)
{
    public override string ToString() => Schema is null ? Name : $"{Schema}.{Name}";
}
