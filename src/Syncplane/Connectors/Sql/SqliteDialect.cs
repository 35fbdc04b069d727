using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// A SQLite file. Keys are read in one ordered scan; rows to compare field by field are looked up one key at a time with
/// prepared statements (in-process, each an index seek);
/// and the transaction is deferred: it takes the write lock only when the run first writes, so a run that changes
/// nothing never blocks the file's other writers and never modifies it.
/// </summary>
internal sealed class SqliteDialect(string path) : SqlDialect
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private SqliteCommand? _scan;
    private SqliteDataReader? _scanReader;
    private IReadOnlyList<SqlColumn>? _scanKeys;
    private SqliteTransaction? _transaction;

    public override string Description => "SQLite " + path;

    public override StringComparer Names => StringComparer.OrdinalIgnoreCase;

    public override string ChangedAtType => "TEXT";

    public override async Task<bool> OpenAsync(bool write, CancellationToken cancellationToken)
    {
        if (!write && !File.Exists(path))
        {
            return false;
        }

        if (Path.GetDirectoryName(path) is { } directory && !System.IO.Directory.Exists(directory))
        {
            throw new IOException($"cannot open {Description}: the directory {directory} does not exist");
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = write ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        };
        _connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            await _connection.OpenAsync(cancellationToken);
            // The run reads the whole table's keys in one scan: a larger page cache and memory-mapped reads serve it.
            await using (var pragmas = new SqliteCommand("PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456", _connection))
            {
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }

            _transaction = _connection.BeginTransaction(deferred: true);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"cannot open {Description}: {ex.Message}", ex);
        }

        return true;
    }

    public override async Task<SqlTable?> DescribeAsync(SqlTableName table, CancellationToken cancellationToken)
    {
        if (table.Schema is not null)
        {
            throw new InvalidDataException($"table {table}: a schema-qualified name needs PostgreSQL; {Description} has no schemas");
        }

        var columns = new List<SqlColumn>();
        var key = new SortedDictionary<long, string>();
        await using var command = Command("SELECT name, type, pk FROM pragma_table_info(@p0)");
        command.Parameters.AddWithValue("@p0", table.Name);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                var type = reader.GetString(1);
                columns.Add(new SqlColumn(name, KindOf(type), type));
                if (reader.GetInt64(2) is > 0 and var position)
                {
                    key[position] = name;
                }
            }
        }

        return columns.Count == 0 ? null : new SqlTable(columns, [.. key.Values]);
    }

    public override string TypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Text => "TEXT",
        ColumnKind.Numeric => "NUMERIC",
        ColumnKind.Integer => "INTEGER",
        ColumnKind.Boolean => "BOOLEAN",
        ColumnKind.Date => "DATE",
        ColumnKind.Timestamp => "TIMESTAMP",
        _ => "JSON",
    };

    public override string TableOptions => " WITHOUT ROWID";

    public override async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public override async Task ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken)
    {
        foreach (var statement in statements)
        {
            var command = Prepared(statement.Sql, statement.Parameters.Count);
            for (var i = 0; i < statement.Parameters.Count; i++)
            {
                command.Parameters[i].Value = Bind(statement.Parameters[i].Value);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override async Task<List<object?[]>> ReadRowsAsync(
        string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, IReadOnlyList<SqlColumn> columns, CancellationToken cancellationToken)
    {
        var all = keyColumns.Concat(columns).ToList();
        var command = Prepared($"SELECT {string.Join(", ", all.Select(c => Quote(c.Name)))} FROM {table} WHERE {KeyCondition(keyColumns)}", keyColumns.Count);
        var rows = new List<object?[]>(keys.Count);
        foreach (var key in keys)
        {
            for (var i = 0; i < key.Length; i++)
            {
                command.Parameters[i].Value = Bind(key[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(Read(reader, all));
            }
        }

        return rows;
    }

    public override async Task StartScanAsync(string table, IReadOnlyList<SqlColumn> keyColumns, string? hashColumn, CancellationToken cancellationToken)
    {
        var keys = string.Join(", ", keyColumns.Select(c => Quote(c.Name)));
        var order = string.Join(", ", keyColumns.Select(c => Quote(c.Name) + (c.Kind == ColumnKind.Text ? " COLLATE BINARY" : "")));
        _scanKeys = keyColumns;
        _scan = Command($"SELECT {keys}, {(hashColumn is null ? "NULL" : Quote(hashColumn))} FROM {table} ORDER BY {order}");
        _scanReader = await _scan.ExecuteReaderAsync(cancellationToken);
    }

    public override async Task<List<(object?[] Key, long? Hash)>> NextScanAsync(int limit, CancellationToken cancellationToken)
    {
        var rows = new List<(object?[] Key, long? Hash)>(limit);
        var keys = _scanKeys!.Count;
        while (rows.Count < limit && await _scanReader!.ReadAsync(cancellationToken))
        {
            var key = new object?[keys];
            for (var i = 0; i < keys; i++)
            {
                key[i] = FieldValues.FromDatabase(_scanReader.GetValue(i), _scanKeys[i].Kind ?? ColumnKind.Text);
            }

            rows.Add((key, _scanReader.IsDBNull(keys) ? null : _scanReader.GetInt64(keys)));
        }

        return rows;
    }

    public override async ValueTask EndScanAsync()
    {
        if (_scanReader is not null)
        {
            await _scanReader.DisposeAsync();
            _scanReader = null;
        }

        if (_scan is not null)
        {
            await _scan.DisposeAsync();
            _scan = null;
        }
    }

    /// <summary>One prepared INSERT per row: in-process, that is what SQLite's bulk loading comes to.</summary>
    public override async Task InsertAsync(string table, IReadOnlyList<SqlColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var sql = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        var command = Prepared(sql, columns.Count);
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                command.Parameters[i].Value = Bind(row[i]);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>One prepared UPDATE, bound and run for each row.</summary>
    public override async Task UpdateAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<SqlColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var sql = $"UPDATE {table} SET {string.Join(", ", columns.Select((c, i) => $"{Quote(c.Name)} = @p{i}"))} WHERE {KeyCondition(keyColumns, columns.Count)}";
        var command = Prepared(sql, columns.Count + keyColumns.Count);
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                command.Parameters[i].Value = Bind(row[keyColumns.Count + i]);
            }

            for (var i = 0; i < keyColumns.Count; i++)
            {
                command.Parameters[columns.Count + i].Value = Bind(row[i]);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>One prepared DELETE, bound and run for each key.</summary>
    public override async Task DeleteAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, CancellationToken cancellationToken)
    {
        var command = Prepared($"DELETE FROM {table} WHERE {KeyCondition(keyColumns)}", keyColumns.Count);
        foreach (var key in keys)
        {
            for (var i = 0; i < key.Length; i++)
            {
                command.Parameters[i].Value = Bind(key[i]);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            await _transaction.CommitAsync(cancellationToken);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await EndScanAsync();
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync();
        }

        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    /// <summary>
    /// The kind a declared type stands for, by SQLite's affinity rules with the names this destination creates first:
    /// BOOLEAN, DATE, TIMESTAMP/DATETIME and JSON keep their meaning.
    /// </summary>
    private static ColumnKind KindOf(string declared)
    {
        var type = declared.ToUpperInvariant();
        return type switch
        {
            _ when type.Contains("JSON", StringComparison.Ordinal) => ColumnKind.Json,
            _ when type.Contains("BOOL", StringComparison.Ordinal) => ColumnKind.Boolean,
            _ when type.Contains("TIME", StringComparison.Ordinal) => ColumnKind.Timestamp,
            _ when type.Contains("DATE", StringComparison.Ordinal) => ColumnKind.Date,
            _ when type.Contains("INT", StringComparison.Ordinal) => ColumnKind.Integer,
            _ when type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal) || type.Contains("TEXT", StringComparison.Ordinal) || type.Length == 0 => ColumnKind.Text,
            _ => ColumnKind.Numeric,
        };
    }

    // Whole numbers as integers and others as doubles, exactly what SQLite stores, so a value reads back as it was bound.
    private static object Bind(object? value) => value switch
    {
        null => DBNull.Value,
        decimal d when d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue => (long)d,
        decimal d => (double)d,
        bool b => b ? 1L : 0L,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => FieldValues.Instant(t),
        _ => value,
    };

    private static object?[] Read(SqliteDataReader reader, List<SqlColumn> columns)
    {
        var row = new object?[columns.Count];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = FieldValues.FromDatabase(reader.GetValue(i), columns[i].Kind ?? ColumnKind.Text);
        }

        return row;
    }

    private SqliteCommand Command(string sql) => new(sql, _connection, _transaction);

    private SqliteCommand Prepared(string sql, int parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = Command(sql);
            for (var i = 0; i < parameters; i++)
            {
                command.Parameters.Add(new SqliteParameter($"@p{i}", null));
            }

            _prepared[sql] = command;
        }

        return command;
    }
}
