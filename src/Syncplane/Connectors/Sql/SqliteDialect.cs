using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// A SQLite file. Keys are read in one ordered scan; rows to compare field by field are looked up one key at a time with
/// prepared statements (in-process, each an index seek); rows are read and written through SQLite's native statement API
/// (<see cref="SqliteNative"/>: bound by position, each statement prepared once per run);
/// and the transaction is deferred: it takes the write lock only when the run first writes, so a run that changes
/// nothing never blocks the file's other writers and never modifies it.
/// </summary>
internal sealed class SqliteDialect(string path) : SqlDialect
{
    private readonly Dictionary<string, sqlite3_stmt> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private sqlite3_stmt? _scan;
    private IReadOnlyList<SqlColumn>? _scanKeys;
    private SqliteTransaction? _transaction;
    private bool _writing;

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
            // A native statement that needs a lock the transaction does not hold yet waits for it as long as commands do
            // (DefaultTimeout); the write lock is taken through a command (see LockForWriteAsync). A 16 MB page cache and no
            // memory-mapped reads: the run's one ordered scan of the keys costs the same CPU through reads into a small cache;
            // SQLite's default 2 MB made a first load of 1,000,000 rows 30% slower, and 64 MB made updates dearer (each row's page
            // held until the commit instead of spilled) while the mapped file and the dirty pages counted in the process's memory.
            await using (var pragmas = new SqliteCommand("PRAGMA cache_size = -16384; PRAGMA busy_timeout = 30000", _connection))
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

    /// <summary>Through a command, which waits for another writer's lock (see <see cref="LockForWriteAsync"/>).</summary>
    public override async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _writing = true;
    }

    public override Task<List<object?[]>> ReadRowsAsync(
        string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, IReadOnlyList<SqlColumn> columns, CancellationToken cancellationToken)
    {
        var all = keyColumns.Concat(columns).ToList();
        var statement = Prepared($"SELECT {string.Join(", ", all.Select(c => Quote(c.Name)))} FROM {table} WHERE {KeyCondition(keyColumns)}");
        var rows = new List<object?[]>(keys.Count);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BindAll(statement, key, 1);
            if (SqliteNative.Row(Db, statement))
            {
                var row = new object?[all.Count];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = FieldValues.FromDatabase(SqliteNative.Column(statement, i), all[i].Kind ?? ColumnKind.Text);
                }

                rows.Add(row);
            }

            raw.sqlite3_reset(statement);
        }

        return Task.FromResult(rows);
    }

    public override Task StartScanAsync(string table, IReadOnlyList<SqlColumn> keyColumns, string? hashColumn, CancellationToken cancellationToken)
    {
        var keys = string.Join(", ", keyColumns.Select(c => Quote(c.Name)));
        var order = string.Join(", ", keyColumns.Select(c => Quote(c.Name) + (c.Kind == ColumnKind.Text ? " COLLATE BINARY" : "")));
        _scanKeys = keyColumns;
        _scan = SqliteNative.Prepare(Db, $"SELECT {keys}, {(hashColumn is null ? "NULL" : Quote(hashColumn))} FROM {table} ORDER BY {order}");
        return Task.CompletedTask;
    }

    public override Task<List<(object?[] Key, long? Hash)>> NextScanAsync(int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = new List<(object?[] Key, long? Hash)>(limit);
        var keys = _scanKeys!.Count;
        while (rows.Count < limit && SqliteNative.Row(Db, _scan!))
        {
            var key = new object?[keys];
            for (var i = 0; i < keys; i++)
            {
                key[i] = FieldValues.FromDatabase(SqliteNative.Column(_scan!, i), _scanKeys[i].Kind ?? ColumnKind.Text);
            }

            rows.Add((key, SqliteNative.Int64OrNull(_scan!, keys)));
        }

        return Task.FromResult(rows);
    }

    public override ValueTask EndScanAsync()
    {
        _scan?.Dispose();
        _scan = null;
        return ValueTask.CompletedTask;
    }

    /// <summary>One prepared INSERT, bound and run for each row: in-process, that is what SQLite's bulk loading comes to.</summary>
    public override async Task InsertAsync(string table, IReadOnlyList<SqlColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await LockForWriteAsync(table, cancellationToken);
        var statement = Prepared($"INSERT INTO {table} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})");
        var count = 0;
        foreach (var row in rows)
        {
            if ((count++ & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            BindAll(statement, row, 1);
            SqliteNative.Step(Db, statement);
        }
    }

    /// <summary>One prepared UPDATE, bound and run for each row.</summary>
    public override async Task UpdateAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<SqlColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        await LockForWriteAsync(table, cancellationToken);
        var statement = Prepared($"UPDATE {table} SET {string.Join(", ", columns.Select((c, i) => $"{Quote(c.Name)} = @p{i}"))} WHERE {KeyCondition(keyColumns, columns.Count)}");
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < columns.Count; i++)
            {
                Bind(statement, i + 1, row[keyColumns.Count + i]);
            }

            for (var i = 0; i < keyColumns.Count; i++)
            {
                Bind(statement, columns.Count + i + 1, row[i]);
            }

            SqliteNative.Step(Db, statement);
        }
    }

    /// <summary>One prepared DELETE, bound and run for each key.</summary>
    public override async Task DeleteAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, CancellationToken cancellationToken)
    {
        await LockForWriteAsync(table, cancellationToken);
        var statement = Prepared($"DELETE FROM {table} WHERE {KeyCondition(keyColumns)}");
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BindAll(statement, key, 1);
            SqliteNative.Step(Db, statement);
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
        foreach (var statement in _prepared.Values)
        {
            statement.Dispose(); // finalized before the transaction ends and the connection closes
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

    /// <summary>
    /// Takes the write lock, before the run's first native write, through a command that writes nothing: SQLite does not
    /// wait for another writer's lock when a transaction that has read asks for it, but Microsoft.Data.Sqlite's commands
    /// retry until <c>DefaultTimeout</c>, as the run's writes did before they went native.
    /// </summary>
    private async Task LockForWriteAsync(string table, CancellationToken cancellationToken)
    {
        if (!_writing)
        {
            await using var command = Command($"DELETE FROM {table} WHERE 0");
            await command.ExecuteNonQueryAsync(cancellationToken);
            _writing = true;
        }
    }

    private sqlite3 Db => _connection!.Handle!;

    // Whole numbers as integers and others as doubles, exactly what SQLite stores, so a value reads back as it was bound.
    private void Bind(sqlite3_stmt statement, int index, object? value) => SqliteNative.Check(Db, value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        decimal d when d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue => raw.sqlite3_bind_int64(statement, index, (long)d),
        decimal d => raw.sqlite3_bind_double(statement, index, (double)d),
        double d => raw.sqlite3_bind_double(statement, index, d),
        long l => raw.sqlite3_bind_int64(statement, index, l),
        bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
        DateOnly d => raw.sqlite3_bind_text(statement, index, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTimeOffset t => raw.sqlite3_bind_text(statement, index, FieldValues.Instant(t)),
        string s => raw.sqlite3_bind_text(statement, index, s),
        _ => throw new InvalidOperationException($"no SQLite form for {value.GetType()}"),
    });

    /// <summary>Binds <paramref name="values"/> to the parameters from <paramref name="first"/> (1-based) on.</summary>
    private void BindAll(sqlite3_stmt statement, object?[] values, int first)
    {
        for (var i = 0; i < values.Length; i++)
        {
            Bind(statement, first + i, values[i]);
        }
    }

    private SqliteCommand Command(string sql) => new(sql, _connection, _transaction);

    private sqlite3_stmt Prepared(string sql)
    {
        if (!_prepared.TryGetValue(sql, out var statement))
        {
            statement = SqliteNative.Prepare(Db, sql);
            _prepared[sql] = statement;
        }

        return statement;
    }
}
