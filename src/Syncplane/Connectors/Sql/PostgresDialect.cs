using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Syncplane.Storage.Postgres;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// A PostgreSQL database. Rows are looked up a batch at a time (an index probe per key of an <c>unnest</c> of the keys, cast to
/// the key columns' own types so the primary key index serves it), and statements are sent in one round trip per batch.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    private readonly NpgsqlConnectionStringBuilder _builder;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private IReadOnlyList<SqlColumn>? _scanKeys;

    /// <exception cref="ArgumentException">The connection string is malformed (the message leaves it out).</exception>
    public PostgresDialect(string connection)
    {
        _builder = PostgresConnectionString.Parse(connection);
        _builder.PersistSecurityInfo = false;
        _builder.Pooling = false;
        if (string.IsNullOrEmpty(_builder.ApplicationName))
        {
            _builder.ApplicationName = "syncplane";
        }

        Description = "PostgreSQL " + PostgresConnectionString.Describe(_builder);
    }

    public override string Description { get; }

    public override StringComparer Names => StringComparer.Ordinal;

    public override int MaxNameBytes => 63;

    public override string ChangedAtType => "timestamptz";

    public override async Task<bool> OpenAsync(bool write, CancellationToken cancellationToken)
    {
        _connection = new NpgsqlConnection(_builder.ConnectionString);
        try
        {
            await _connection.OpenAsync(cancellationToken);
            _transaction = await _connection.BeginTransactionAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw new IOException($"cannot connect to {Description}: {ex.Message}", ex);
        }

        return true;
    }

    public override async Task<SqlTable?> DescribeAsync(SqlTableName table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), array_position(i.indkey::int2[], a.attnum)
            FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
            WHERE a.attrelid = to_regclass(@p0) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """;
        var columns = new List<SqlColumn>();
        var key = new SortedDictionary<int, string>();
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
        command.Parameters.AddWithValue("p0", Quote(table));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var type = reader.GetString(1);
                columns.Add(new SqlColumn(reader.GetString(0), KindOf(type), type));
                if (!reader.IsDBNull(2))
                {
                    key[reader.GetInt32(2)] = reader.GetString(0);
                }
            }
        }

        return columns.Count == 0 ? null : new SqlTable(columns, [.. key.Values]);
    }

    public override string TypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Text => "text",
        ColumnKind.Numeric => "numeric",
        ColumnKind.Integer => "bigint",
        ColumnKind.Boolean => "boolean",
        ColumnKind.Date => "date",
        ColumnKind.Timestamp => "timestamptz",
        _ => "jsonb",
    };

    public override string KeyTypeOf(SqlColumn column) => column.Kind == ColumnKind.Text ? column.DatabaseType + " COLLATE \"C\"" : column.DatabaseType;

    public override async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public override async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<List<object?[]>> ReadRowsAsync(
        string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, IReadOnlyList<SqlColumn> columns, CancellationToken cancellationToken)
    {
        // One primary-key probe per key: a plain join lets the planner, which sees the array's length, hash the
        // whole table for every batch (a sequential scan per 500 records); OFFSET 0 keeps the lateral subquery a
        // nested loop over the index.
        var all = keyColumns.Concat(columns).ToList();
        var selected = string.Join(", ", all.Select(c => "t." + Quote(c.Name)));
        var arrays = string.Join(", ", keyColumns.Select((c, i) => $"@p{i}::{c.DatabaseType}[]"));
        var match = string.Join(" AND ", keyColumns.Select((c, i) => $"t.{Quote(c.Name)} = k.k{i}"));
        var sql = $"SELECT {selected} FROM unnest({arrays}) AS k({string.Join(", ", keyColumns.Select((_, i) => $"k{i}"))}) " +
            $"CROSS JOIN LATERAL (SELECT {selected} FROM {table} t WHERE {match} OFFSET 0) AS t";
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
        for (var i = 0; i < keyColumns.Count; i++)
        {
            command.Parameters.Add(ArrayParameter($"p{i}", keyColumns[i].Kind ?? ColumnKind.Text, keys.Select(k => k[i])));
        }

        return await ReadAllAsync(command, all, cancellationToken);
    }

    public override async Task StartScanAsync(string table, IReadOnlyList<SqlColumn> keyColumns, string? hashColumn, CancellationToken cancellationToken)
    {
        // A cursor: one ordered scan (the primary key index when its collation is "C"), fetched in chunks, with the
        // connection free for other statements between fetches. "C" sorts text by its bytes, as KeyOrder does.
        var keys = string.Join(", ", keyColumns.Select(c => Quote(c.Name)));
        var order = string.Join(", ", keyColumns.Select(c => Quote(c.Name) + (c.Kind == ColumnKind.Text ? " COLLATE \"C\"" : "")));
        _scanKeys = keyColumns;
        await using var command = new NpgsqlCommand(
            $"DECLARE syncplane_scan NO SCROLL CURSOR FOR SELECT {keys}, {(hashColumn is null ? "NULL::bigint" : Quote(hashColumn))} FROM {table} ORDER BY {order}", _connection, _transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<List<(object?[] Key, long? Hash)>> NextScanAsync(int limit, CancellationToken cancellationToken)
    {
        var rows = new List<(object?[] Key, long? Hash)>(limit);
        var keys = _scanKeys!.Count;
        await using var command = new NpgsqlCommand($"FETCH {limit} FROM syncplane_scan", _connection, _transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = new object?[keys];
            for (var i = 0; i < keys; i++)
            {
                key[i] = FieldValues.FromDatabase(reader.GetValue(i), _scanKeys[i].Kind ?? ColumnKind.Text);
            }

            rows.Add((key, reader.IsDBNull(keys) ? null : reader.GetInt64(keys)));
        }

        return rows;
    }

    // An open cursor would keep ALTER TABLE (a new column) from running later in the transaction.
    public override async ValueTask EndScanAsync()
    {
        if (_scanKeys is not null)
        {
            _scanKeys = null;
            await using var command = new NpgsqlCommand("CLOSE syncplane_scan", _connection, _transaction);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Binary COPY straight into the table when every column has the type the destination creates for its kind;
    /// otherwise into a temporary table of those types, then INSERT … SELECT, which converts to the table's own types.
    /// </summary>
    public override async Task InsertAsync(string table, IReadOnlyList<SqlColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => Quote(c.Name)));
        var direct = columns.All(CopiesDirectly);
        var target = direct ? table : "syncplane_inserts";
        if (!direct)
        {
            await using var create = new NpgsqlCommand(
                $"CREATE TEMP TABLE syncplane_inserts ({string.Join(", ", columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Kind!.Value)}"))}) ON COMMIT DROP", _connection, _transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync(target, columns, rows, cancellationToken);
        if (!direct)
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO {table} ({names}) SELECT {names} FROM syncplane_inserts", _connection, _transaction);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The rows go by binary COPY into a temporary table, then one UPDATE … FROM sets them all.</summary>
    public override async Task UpdateAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<SqlColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await CopyIntoTemporaryAsync("syncplane_updates", [.. keyColumns, .. columns], rows, cancellationToken);
        var sets = string.Join(", ", columns.Select(c => $"{Quote(c.Name)} = u.{Quote(c.Name)}"));
        await using var update = new NpgsqlCommand($"UPDATE {table} AS t SET {sets} FROM pg_temp.syncplane_updates u WHERE {Match(keyColumns, "u")}", _connection, _transaction);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The keys go by binary COPY into a temporary table, then one DELETE … USING removes them all.</summary>
    public override async Task DeleteAsync(string table, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<object?[]> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await CopyIntoTemporaryAsync("syncplane_deletes", keyColumns, keys, cancellationToken);
        await using var delete = new NpgsqlCommand($"DELETE FROM {table} AS t USING pg_temp.syncplane_deletes d WHERE {Match(keyColumns, "d")}", _connection, _transaction);
        await delete.ExecuteNonQueryAsync(cancellationToken);
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
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    // The temporary table's key columns have the types the destination creates; cast to the table's own, its primary key index serves the join.
    private static string Match(IReadOnlyList<SqlColumn> keyColumns, string alias) =>
        string.Join(" AND ", keyColumns.Select(c => $"t.{Quote(c.Name)} = {alias}.{Quote(c.Name)}::{c.DatabaseType}"));

    // pg_temp named outright: a DROP of a bare name could find a user's table of that name when no temporary one exists.
    private async Task CopyIntoTemporaryAsync(string name, IReadOnlyList<SqlColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(
            $"DROP TABLE IF EXISTS pg_temp.{name}; CREATE TEMP TABLE {name} ({string.Join(", ", columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Kind!.Value)}"))}) ON COMMIT DROP",
            _connection, _transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync("pg_temp." + name, columns, rows, cancellationToken);
    }

    private async Task CopyAsync(string target, IReadOnlyList<SqlColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => Quote(c.Name)));
        await using var importer = await _connection!.BeginBinaryImportAsync($"COPY {target} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            for (var i = 0; i < row.Length; i++)
            {
                var kind = columns[i].Kind!.Value;
                if (row[i] is null)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await importer.WriteAsync(Value(row[i], kind), DbType(kind), cancellationToken);
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>Whether binary COPY can write the column's kind into its type: exactly the type <see cref="TypeOf"/> gives, as format_type names it.</summary>
    private static bool CopiesDirectly(SqlColumn column) => (column.Kind, column.DatabaseType) switch
    {
        (ColumnKind.Text, "text") or (ColumnKind.Numeric, "numeric") or (ColumnKind.Integer, "bigint") or (ColumnKind.Boolean, "boolean")
            or (ColumnKind.Date, "date") or (ColumnKind.Timestamp, "timestamptz" or "timestamp with time zone") or (ColumnKind.Json, "jsonb") => true,
        _ => false,
    };

    private static ColumnKind? KindOf(string type) => type switch
    {
        "text" or "citext" or "name" => ColumnKind.Text,
        _ when type.StartsWith("character", StringComparison.Ordinal) => ColumnKind.Text,
        "bigint" or "integer" or "smallint" => ColumnKind.Integer,
        "real" or "double precision" => ColumnKind.Numeric,
        _ when type.StartsWith("numeric", StringComparison.Ordinal) => ColumnKind.Numeric,
        "boolean" => ColumnKind.Boolean,
        "date" => ColumnKind.Date,
        _ when type.StartsWith("timestamp", StringComparison.Ordinal) => ColumnKind.Timestamp,
        "json" or "jsonb" => ColumnKind.Json,
        _ => null,
    };

    private static NpgsqlDbType DbType(ColumnKind kind) => kind switch
    {
        ColumnKind.Text => NpgsqlDbType.Text,
        ColumnKind.Numeric => NpgsqlDbType.Numeric,
        ColumnKind.Integer => NpgsqlDbType.Bigint,
        ColumnKind.Boolean => NpgsqlDbType.Boolean,
        ColumnKind.Date => NpgsqlDbType.Date,
        ColumnKind.Timestamp => NpgsqlDbType.TimestampTz,
        _ => NpgsqlDbType.Jsonb,
    };

    private static object Value(object? value, ColumnKind kind) => value switch
    {
        null => DBNull.Value,
        decimal d when kind == ColumnKind.Integer => (long)d,
        DateTimeOffset t => t.UtcDateTime,
        _ => value,
    };

    // Key values are never null; Npgsql writes typed arrays.
    private static NpgsqlParameter ArrayParameter(string name, ColumnKind kind, IEnumerable<object?> values) =>
        new(name, NpgsqlDbType.Array | DbType(kind))
        {
            Value = kind switch
            {
                ColumnKind.Numeric => values.Cast<decimal>().ToArray(),
                ColumnKind.Integer => values.Select(v => (long)(decimal)v!).ToArray(),
                ColumnKind.Boolean => values.Cast<bool>().ToArray(),
                ColumnKind.Date => values.Cast<DateOnly>().ToArray(),
                ColumnKind.Timestamp => values.Select(v => ((DateTimeOffset)v!).UtcDateTime).ToArray(),
                _ => (object)values.Cast<string>().ToArray(),
            },
        };

    private static async Task<List<object?[]>> ReadAllAsync(NpgsqlCommand command, List<SqlColumn> columns, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = FieldValues.FromDatabase(reader.GetValue(i), columns[i].Kind ?? ColumnKind.Text);
            }

            rows.Add(row);
        }

        return rows;
    }
}
