namespace Syncplane.Connectors.Sql;

/// <summary>A column as the database describes it; <see cref="Kind"/> is null for a type the destination cannot write.</summary>
internal sealed record SqlColumn(string Name, ColumnKind? Kind, string DatabaseType);

/// <summary>The columns and primary key of an existing table.</summary>
internal sealed record SqlTable(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<string> PrimaryKey);
