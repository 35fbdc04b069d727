using System.Text;
using System.Text.Json;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// One run of the sql destination. <see cref="PlanAsync"/> streams the records in batches, looks each batch's rows up
/// by key and keeps the rows whose compared fields differ in a <see cref="ChangeSpool"/>, then (with <c>delete</c>)
/// walks the table's keys for those the source did not send; it writes nothing. <see cref="ApplyAsync"/> then creates
/// the table or adds columns, writes the spooled rows and commits — one transaction from the first read to the commit.
/// </summary>
/// <remarks>
/// Memory holds one batch of records and a 16-byte hash of every key seen (duplicates and deletes need them),
/// about 50 bytes per record with the set's own overhead, never the records themselves; changes wait on disk.
/// </remarks>
internal sealed partial class SqlRecordRun : IRecordRun
{
    /// <summary>When a compared field of the row last changed (the run that inserted or updated it).</summary>
    public const string ChangedAt = "_synced_changed_at";

    /// <summary>Records compared per lookup.</summary>
    internal const int BatchSize = 500;

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
    private readonly List<SqlColumn> _newColumns = [];
    private readonly HashSet<UInt128> _seen = [];
    private readonly List<Change> _listed = [];
    private readonly ChangeSpool _spool;
    private SqlColumn[]? _keyColumns;
    private bool _tableExists;
    private int _omitted, _creates, _updates, _deletes, _unchanged;

    private SqlRecordRun(SqlDialect db, SqlDestinationOptions options, IReadOnlyList<string> key, bool write, DateTimeOffset now, IRunLog log, SqlTable? table, string spoolDirectory)
    {
        _spool = new ChangeSpool(spoolDirectory);
        _db = db;
        _options = options;
        _key = key;
        _write = write;
        _now = now;
        _log = log;
        _table = SqlDialect.Quote(options.Table);
        _columns = new Dictionary<string, SqlColumn>(db.Names);
        _inDatabase = new HashSet<string>(db.Names);
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
        }

        return run;
    }

    public async Task<Plan> PlanAsync(IAsyncEnumerable<SourceRecord> records, CancellationToken cancellationToken)
    {
        var batch = new List<SqlRow>(BatchSize);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            batch.Add(RowOf(record));
            if (batch.Count == BatchSize)
            {
                await CompareAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        await CompareAsync(batch, cancellationToken);
        if (_options.Delete && _tableExists && _keyColumns is not null)
        {
            await PlanDeletesAsync(cancellationToken);
        }

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
        await _spool.DisposeAsync();
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

    private SqlRow RowOf(SourceRecord record)
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
        var fields = new Dictionary<string, object?>(_db.Names);
        foreach (var property in value.EnumerateObject())
        {
            if (_key.Contains(property.Name, _db.Names))
            {
                continue;
            }

            if (ColumnFor(property.Name, property.Value, record.Where, isKey: false) is { } column)
            {
                fields[column.Name] = FieldValues.FromJson(property.Value, column.Kind!.Value, property.Name, record.Where, _options.Table.ToString());
            }
        }

        var row = new SqlRow(string.Join('/', keyValues.Select(FieldValues.KeyText)), keyValues, fields, record.Where);
        if (!_seen.Add(row.Hash))
        {
            throw new InvalidDataException($"{record.Where} has the key {row.Key}, like an earlier record; 'key' must name fields that identify one record");
        }

        return row;
    }

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
