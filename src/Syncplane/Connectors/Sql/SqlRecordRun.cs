using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// One run of the sql destination. <see cref="PlanAsync"/> reads the records into a <see cref="RecordSpool"/> (each
/// checked, and its compared fields hashed, as it arrives), then walks them in key order side by side with the table's
/// keys and stored hashes, read in the same order (a merge join): a key only the records have is an insert, one only the
/// table has a delete, one both have with equal hashes is unchanged; only rows whose hashes differ are read and compared
/// field by field. Changes wait in <see cref="ChangeSpool"/>s; it writes nothing. <see cref="ApplyAsync"/> then creates
/// the table or adds columns, writes the spooled rows and commits — one transaction from the first read to the commit.
/// </summary>
/// <remarks>
/// Memory holds one sorted run of records and one chunk of the table's keys, whatever the number of records; the
/// records and the changes wait on disk.
/// </remarks>
internal sealed partial class SqlRecordRun : IRecordRun
{
    /// <summary>When a compared field of the row last changed (the run that inserted or updated it).</summary>
    public const string ChangedAt = "_synced_changed_at";

    /// <summary>The <see cref="RowHash"/> of the compared fields as last written; NULL compares the row field by field.</summary>
    public const string HashColumn = "_synced_hash";

    /// <summary>Rows compared field by field per lookup, and statements per round trip when writing.</summary>
    internal const int BatchSize = 500;

    /// <summary>Keys (and hashes) read from the table per round trip.</summary>
    internal const int ScanChunk = 10_000;

    /// <summary>Changes listed in detail in a plan; the counts cover all.</summary>
    internal const int ListedChanges = 1000;

    private const string ReservedPrefix = "_synced_";

    private readonly SqlDialect _db;
    private readonly SqlDestinationOptions _options;
    private readonly IReadOnlyList<string> _key;
    private readonly bool _write;
    private readonly DateTimeOffset _now;
    private readonly IRunLog _log;
    private readonly string _table;
    private readonly Dictionary<string, SqlColumn> _columns;
    private readonly HashSet<string> _inDatabase;
    private readonly HashSet<string> _recordFields;
    private readonly List<SqlColumn> _newColumns = [];
    private readonly List<Change> _listed = [];
    private readonly List<(string Name, object? Value)> _fields = [];
    private readonly List<(byte[] Utf8, string Name, SqlColumn? Column, bool IsKey)> _shape = [];
    private readonly string _tableName;
    private readonly RecordSpool _records;
    private readonly ChangeSpool _inserts;
    private readonly ChangeSpool _changes;
    private SqlColumn[]? _keyColumns;
    private bool _tableExists;
    private long _sequence;
    private int _omitted, _creates, _updates, _deletes, _unchanged;

    private SqlRecordRun(SqlDialect db, SqlDestinationOptions options, IReadOnlyList<string> key, bool write, DateTimeOffset now, IRunLog log, SqlTable? table, string spoolDirectory)
    {
        _records = new RecordSpool(spoolDirectory);
        _inserts = new ChangeSpool(spoolDirectory);
        _changes = new ChangeSpool(spoolDirectory);
        _db = db;
        _options = options;
        _key = key;
        _write = write;
        _now = now;
        _log = log;
        _table = SqlDialect.Quote(options.Table);
        _tableName = options.Table.ToString();
        _columns = new Dictionary<string, SqlColumn>(db.Names);
        _inDatabase = new HashSet<string>(db.Names);
        _recordFields = new HashSet<string>(db.Names);
        _tableExists = table is not null;
        foreach (var column in table?.Columns ?? [])
        {
            _columns[column.Name] = column;
            _inDatabase.Add(column.Name);
        }
    }

    public long ExistingCount { get; private set; }

    /// <summary>Connects, begins the transaction and checks an existing table against the records' key.</summary>
    /// <param name="spoolDirectory">Where the changes wait between comparing and writing.</param>
    public static async Task<SqlRecordRun> OpenAsync(
        SqlDialect db, SqlDestinationOptions options, IReadOnlyList<string> key, bool write, DateTimeOffset now, IRunLog log, string spoolDirectory, CancellationToken ct)
    {
        var opened = await db.OpenAsync(write, ct);
        var table = opened ? await db.DescribeAsync(options.Table, ct) : null;
        var run = new SqlRecordRun(db, options, key, write, now, log, table, spoolDirectory);
        if (table is not null)
        {
            run.CheckPrimaryKey(table);
            if (options.Delete)
            {
                run.ExistingCount = await db.ScalarAsync($"SELECT count(*) FROM {run._table}", ct);
            }

            if (!run._columns.ContainsKey(ChangedAt))
            {
                run._newColumns.Add(new SqlColumn(ChangedAt, ColumnKind.Timestamp, db.ChangedAtType));
            }

            if (!run._columns.ContainsKey(HashColumn))
            {
                run._newColumns.Add(run.HashColumnOf());
            }
        }

        return run;
    }

    public async Task<Plan> PlanAsync(IAsyncEnumerable<SourceRecord> records, CancellationToken cancellationToken)
    {
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            _records.Add(Spooled(record));
        }

        await MergeAsync(cancellationToken);
        var summary = new PlanSummary(_creates, _updates, _deletes, _unchanged, 0);
        _log.Info($"sql destination {_db.Description}, table {_options.Table}: {_creates} to insert, {_updates} to update, {_deletes} to delete, {_unchanged} unchanged");
        if (!_tableExists && _creates > 0)
        {
            _log.Info($"sql destination: table {_options.Table} to create");
        }

        foreach (var column in _tableExists ? _newColumns : [])
        {
            _log.Info($"sql destination: column {column.Name} ({column.DatabaseType}) to add to {_options.Table}");
        }

        return new Plan(_listed, summary) { Omitted = _omitted };
    }

    public async ValueTask DisposeAsync()
    {
        await _records.DisposeAsync();
        await _inserts.DisposeAsync();
        await _changes.DisposeAsync();
        await _db.DisposeAsync();
    }

    private void CheckPrimaryKey(SqlTable table)
    {
        var expected = string.Join(", ", _key);
        if (table.PrimaryKey.Count == 0)
        {
            throw new InvalidDataException($"table {_options.Table} has no primary key; the sql destination needs one on the records' key ({expected})");
        }

        if (table.PrimaryKey.Count != _key.Count || !_key.All(k => table.PrimaryKey.Contains(k, _db.Names)))
        {
            throw new InvalidDataException(
                $"table {_options.Table} has the primary key ({string.Join(", ", table.PrimaryKey)}), but the records' key is ({expected}); " +
                "use another table, or give the source the key that matches");
        }

        _keyColumns = [.. _key.Select(k => _columns[k])];
        foreach (var column in _keyColumns.Where(c => c.Kind is null or ColumnKind.Json))
        {
            throw new InvalidDataException($"table {_options.Table}: key column {column.Name} has the type {column.DatabaseType}, which the sql destination cannot compare");
        }
    }

    /// <summary>Checks a record (an object with its key, values that fit their columns) and keeps it with the hash of its compared fields.</summary>
    private SpooledRecord Spooled(SourceRecord record)
    {
        var value = record.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{record.Where} is {value.ValueKind.ToString().ToLowerInvariant()}, not an object with the key fields {string.Join(", ", _key)}");
        }

        var keyValues = new object?[_key.Count];
        for (var i = 0; i < _key.Count; i++)
        {
            if (!value.TryGetProperty(_key[i], out var field))
            {
                throw new InvalidDataException($"{record.Where} has no field '{_key[i]}', which 'key' names");
            }

            if (field.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                throw new InvalidDataException($"{record.Where}: key field '{_key[i]}' is {field.ValueKind.ToString().ToLowerInvariant()}; it must be a string, number or boolean");
            }

            var column = ColumnFor(_key[i], field, record.Where, isKey: true)!;
            keyValues[i] = FieldValues.FromJson(field, column.Kind!.Value, _key[i], record.Where, _options.Table.ToString());
        }

        _keyColumns ??= [.. _key.Select(k => _columns[k])];
        _fields.Clear();
        var position = 0;
        foreach (var property in value.EnumerateObject())
        {
            var (name, column, isKey) = FieldAt(position++, property, record.Where);
            if (isKey)
            {
                continue;
            }

            if (column is not null)
            {
                _recordFields.Add(column.Name);
                _fields.Add((column.Name, FieldValues.FromJson(property.Value, column.Kind!.Value, name, record.Where, _tableName)));
            }
            else
            {
                _fields.Add((name, null));
            }
        }

        return new SpooledRecord(keyValues, HashOf(_fields), JsonMarshal.GetRawUtf8Value(value).ToArray(), record.Where, _sequence++);
    }

    /// <summary>
    /// The field at <paramref name="position"/> of a record and its column. Upstreams send their records' fields in one
    /// order, so the previous record's field at that position, compared by its UTF-8 name, usually answers without
    /// allocating the name or looking the column up.
    /// </summary>
    private (string Name, SqlColumn? Column, bool IsKey) FieldAt(int position, JsonProperty property, string where)
    {
        if (position < _shape.Count && property.NameEquals(_shape[position].Utf8))
        {
            var known = _shape[position];
            return (known.Name, known.Column, known.IsKey);
        }

        var name = property.Name;
        var isKey = IsKey(name);
        var column = isKey ? null : ColumnFor(name, property.Value, where, isKey: false);
        if (position <= _shape.Count && (isKey || column is not null))
        {
            var entry = (System.Text.Encoding.UTF8.GetBytes(name), name, column, isKey);
            if (position == _shape.Count)
            {
                _shape.Add(entry);
            }
            else
            {
                _shape[position] = entry;
            }
        }

        return (name, column, isKey);
    }

    /// <summary>The <see cref="RowHash"/> of the compared fields: every field of the record, or the <c>compare</c> list (a field the record lacks counts as null).</summary>
    private long HashOf(List<(string Name, object? Value)> fields)
    {
        var hash = new RowHash();
        if (_options.Compare is null)
        {
            foreach (var (name, value) in fields)
            {
                hash.Add(name, value);
            }

            return hash.Value;
        }

        foreach (var name in _options.Compare)
        {
            if (!IsKey(name))
            {
                var at = fields.FindIndex(f => _db.Names.Equals(f.Name, name));
                hash.Add(name, at < 0 ? null : fields[at].Value);
            }
        }

        return hash.Value;
    }

    /// <summary>A spooled record's fields converted again (it was checked when it arrived), for comparing or writing.</summary>
    private SqlRow RowOf(object?[] key, byte[] json)
    {
        var fields = new Dictionary<string, object?>(_db.Names);
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!IsKey(property.Name) && _columns.TryGetValue(property.Name, out var column))
            {
                fields[column.Name] = FieldValues.FromJson(property.Value, column.Kind!.Value, property.Name, "", _options.Table.ToString());
            }
        }

        return new SqlRow(SpooledRecord.KeyTextOf(key), key, fields);
    }

    private bool IsKey(string field)
    {
        foreach (var key in _key)
        {
            if (_db.Names.Equals(key, field))
            {
                return true;
            }
        }

        return false;
    }

    private SqlColumn HashColumnOf() => new(HashColumn, ColumnKind.Integer, _db.TypeOf(ColumnKind.Integer));

    /// <summary>The column for a field, planned when the table lacks it; null for a null value with no column yet (NULL needs none).</summary>
    private SqlColumn? ColumnFor(string field, JsonElement value, string where, bool isKey)
    {
        if (field.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{where}: field '{field}' starts with '{ReservedPrefix}', which Syncplane keeps for its own columns");
        }

        if (_columns.TryGetValue(field, out var column))
        {
            return column.Kind is null
                ? throw new InvalidDataException($"{where}: field '{field}' goes to column {column.Name} of {_options.Table}, whose type {column.DatabaseType} the sql destination cannot write")
                : column;
        }

        var kind = _options.Columns.TryGetValue(field, out var declared) ? declared : FieldValues.Infer(value);
        if (kind is null)
        {
            return null;
        }

        if (field.Length == 0 || Encoding.UTF8.GetByteCount(field) > _db.MaxNameBytes)
        {
            throw new InvalidDataException($"{where}: field '{field}' cannot name a column of {_options.Table} (empty, or longer than {_db.MaxNameBytes} bytes)");
        }

        if (isKey && kind == ColumnKind.Json)
        {
            throw new InvalidDataException($"{where}: key field '{field}' is declared json; a key column must hold text, numbers, booleans, dates or timestamps");
        }

        if (_options.StrictSchema && _tableExists)
        {
            throw new InvalidDataException($"{where}: field '{field}' has no column in table {_options.Table}, and schema: strict forbids adding one; add the column yourself, or leave 'schema' out to let Syncplane add it");
        }

        column = new SqlColumn(field, kind, _db.TypeOf(kind.Value));
        _columns[field] = column;
        _newColumns.Add(column);
        return column;
    }
}
