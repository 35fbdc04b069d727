namespace Syncplane.Connectors.Sql;

/// <summary>
/// What differs between SQLite and PostgreSQL for the sql destination: connecting, describing a table, column types,
/// binding and reading values, and how rows are looked up by key and written in bulk. Everything runs in the one
/// transaction opened by <see cref="OpenAsync"/>; disposing without <see cref="CommitAsync"/> rolls it back.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>Where the database is, without credentials: for messages.</summary>
    public abstract string Description { get; }

    /// <summary>How column names compare (SQLite's are case-insensitive).</summary>
    public abstract StringComparer Names { get; }

    /// <summary>Longest column name, in UTF-8 bytes.</summary>
    public virtual int MaxNameBytes => int.MaxValue;

    /// <summary>Connects and begins the run's transaction.</summary>
    /// <returns>False when there is nothing to read (a dry run against a SQLite file that does not exist yet).</returns>
    /// <exception cref="IOException">The database cannot be reached; the message names it, without credentials.</exception>
    public abstract Task<bool> OpenAsync(bool write, CancellationToken cancellationToken);

    /// <summary>The table's columns and primary key; null when it does not exist.</summary>
    public abstract Task<SqlTable?> DescribeAsync(SqlTableName table, CancellationToken cancellationToken);

    /// <summary>The column type created for <paramref name="kind"/>.</summary>
    public abstract string TypeOf(ColumnKind kind);

    /// <summary>The type of the <c>_synced_changed_at</c> column.</summary>
    public abstract string ChangedAtType { get; }

    /// <summary>The type a key column is created with (PostgreSQL: text keys in the "C" collation, so the primary key index serves the ordered scan).</summary>
    public virtual string KeyTypeOf(SqlColumn column) => column.DatabaseType;

    /// <summary>What follows <c>CREATE TABLE name (…)</c> (SQLite: WITHOUT ROWID, so rows are stored in key order).</summary>
    public virtual string TableOptions => "";

    public abstract Task<long> ScalarAsync(string sql, CancellationToken cancellationToken);

    /// <summary>Runs one statement without parameters: the run's DDL (CREATE TABLE, ALTER TABLE … ADD COLUMN).</summary>
    public abstract Task ExecuteAsync(string sql, CancellationToken cancellationToken);

    /// <summary>
    /// The rows whose key is one of <paramref name="keys"/>: for each, its key values then the <paramref name="columns"/>,
    /// in the form <see cref="FieldValues.FromDatabase"/> gives.
    /// </summary>
    public abstract Task<List<object?[]>> ReadRowsAsync(
        string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, IReadOnlyList<SqlColumn> columns, CancellationToken cancellationToken);

    /// <summary>
    /// Starts reading the table's keys and <paramref name="hashColumn"/> (NULL when null: the table lacks it) in
    /// <see cref="KeyOrder"/>: text key columns sorted by their bytes (BINARY, "C"), whatever their collation.
    /// </summary>
    public abstract Task StartScanAsync(string table, IReadOnlyList<SqlColumn> keyColumns, string? hashColumn, CancellationToken cancellationToken);

    /// <summary>
    /// The next <paramref name="limit"/> rows of the scan (fewer at its end): key values in the form
    /// <see cref="FieldValues.FromDatabase"/> gives, then the hash. Other statements may run between calls.
    /// </summary>
    public abstract Task<List<(object?[] Key, long? Hash)>> NextScanAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Ends the scan, if one was started.</summary>
    public abstract ValueTask EndScanAsync();

    /// <summary>Inserts <paramref name="rows"/> (values in the order of <paramref name="columns"/>) in bulk.</summary>
    public abstract Task InsertAsync(string table, IReadOnlyList<SqlColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Sets <paramref name="columns"/> of the rows with the given keys: each of <paramref name="rows"/> is the key values,
    /// then the values of <paramref name="columns"/>.
    /// </summary>
    public abstract Task UpdateAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<SqlColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>Deletes the rows with the given keys.</summary>
    public abstract Task DeleteAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, CancellationToken cancellationToken);

    public abstract Task CommitAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>A quoted identifier.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Quote(SqlTableName table) => table.Schema is null ? Quote(table.Name) : Quote(table.Schema) + "." + Quote(table.Name);

    /// <summary><c>"k1" = @p0 AND "k2" = @p1</c>, parameters numbered from <paramref name="first"/>.</summary>
    public static string KeyCondition(IReadOnlyList<SqlColumn> keyColumns, int first = 0) =>
        string.Join(" AND ", keyColumns.Select((c, i) => $"{Quote(c.Name)} = @p{first + i}"));

    /// <summary><c>("k1", "k2")</c>.</summary>
    public static string KeyList(IReadOnlyList<SqlColumn> keyColumns) => "(" + string.Join(", ", keyColumns.Select(c => Quote(c.Name))) + ")";
}
