using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// One run of the sql destination. <see cref="PlanAsync"/> checks each record, and hashes its compared fields, as it
/// arrives, and walks the records in key order side by side with the table's keys and stored hashes, read in the same
/// order (a merge join): a key only the records have is an insert, one only the table has a delete, one both have with
/// equal hashes is unchanged; only rows whose hashes differ are read and compared field by field. While the records
/// arrive in key order each is paired at once; from the first one out of order on, the rest go to a
/// <see cref="RecordSpool"/> and are merged after the last record. Changes wait in <see cref="ChangeSpool"/>s; it writes
/// nothing. <see cref="ApplyAsync"/> then creates the table or adds columns, writes the spooled rows and commits — one
/// transaction from the first read to the commit.
/// </summary>
/// <remarks>
/// Memory holds at most one sorted run of records and one chunk of the table's keys, whatever the number of records;
/// the records out of order and the changes wait on disk.
/// </remarks>
internal sealed partial class SqlRecordRun : IRecordRun
{
    /// <summary>When a compared field of the row last changed (the run that inserted or updated it).</summary>
    public const string ChangedAt = "_synced_changed_at";

    /// <summary>The <see cref="RowHash"/> of the compared fields as last written; NULL compares the row field by field.</summary>
    public const string HashColumn = "_synced_hash";

    /// <summary>Rows compared field by field per lookup.</summary>
    internal const int BatchSize = 500;

    /// <summary>Updates and deletes held in memory before they are written.</summary>
    internal const int WriteChunk = 20_000;

    /// <summary>Keys (and hashes) read from the table per round trip.</summary>
    internal const int ScanChunk = 50_000;

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
    private readonly List<FieldShape> _shape = [];
    private readonly List<string> _origins = [];
    private readonly (string Name, ulong Seed, bool IsKey)[]? _compare;
    private readonly long[] _compareSeen;
    private readonly string _tableName;
    private readonly string _spoolDirectory;
    private readonly RecordSpool _records;
    private readonly KeySpool _streamed;
    private readonly ChangeSpool _inserts;
    private readonly ChangeSpool _changes;
    private readonly List<SpooledRecord> _differing = new(BatchSize);
    private ChangeSpool _deletions;
    private TableKeys? _tableKeys;
    private object?[]? _lastStreamed;
    private bool _inOrder = true;
    private SqlColumn[]? _keyColumns;
    private bool _tableExists;
    private long _stamp;
    private int _creates, _updates, _deletes, _unchanged;
    private int _comparedFields;
    private long _compareFieldsTicks;

    private SqlRecordRun(SqlDialect db, SqlDestinationOptions options, IReadOnlyList<string> key, bool write, DateTimeOffset now, IRunLog log, SqlTable? table, string spoolDirectory)
    {
        _spoolDirectory = spoolDirectory;
        _records = new RecordSpool(spoolDirectory);
        _streamed = new KeySpool(spoolDirectory);
        _inserts = new ChangeSpool(spoolDirectory);
        _changes = new ChangeSpool(spoolDirectory);
        _deletions = new ChangeSpool(spoolDirectory);
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
        _compare = options.Compare?.Select(name => (name, RowHash.Seed(name), IsKey(name))).ToArray();
        _compareSeen = new long[_compare?.Length ?? 0];
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
        var started = Stopwatch.GetTimestamp();
        var startedCpu = Environment.CpuUsage.TotalTime;
        var waited = 0L;
        // Records are read and checked on one thread and merged with the table on another, a batch at a time (see CheckAllAsync).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = Channel.CreateBounded<CheckedRecords>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var checking = Task.Run(() => CheckAllAsync(records, batches.Writer, stop.Token), CancellationToken.None);
        try
        {
            _tableKeys = new TableKeys(this);
            if (_tableExists)
            {
                await _tableKeys.StartAsync(cancellationToken);
            }

            while (true)
            {
                var asked = Stopwatch.GetTimestamp();
                var more = await batches.Reader.WaitToReadAsync(cancellationToken);
                waited += Stopwatch.GetTimestamp() - asked;
                if (!more)
                {
                    break;
                }

                while (batches.Reader.TryRead(out var batch))
                {
                    using (batch)
                    {
                        for (var i = 0; i < batch.Count; i++)
                        {
                            await TakeAsync(batch, i, cancellationToken);
                        }
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync(); // after a failure here: the reading stops, and nothing reads the source any more once this returns
            await checking;
        }

        var read = Stopwatch.GetTimestamp();
        var readCpu = Environment.CpuUsage.TotalTime;
        await FinishMergeAsync(cancellationToken);
        var merged = Stopwatch.GetElapsedTime(read);
        var total = Stopwatch.GetElapsedTime(started);
        var count = _streamed.Count + _records.Count;

        // CPU time is the process's (the records are read and checked on another thread); unlike wall time, other load on the machine barely moves it.
        _log.Info(string.Create(CultureInfo.InvariantCulture,
            $"sql destination: compared {count} record(s) in {total.TotalSeconds:F2} s ({count / Math.Max(total.TotalSeconds, 1e-3):F0}/s): " +
            $"waiting for the source (fetch, parse, check and hash) {Stopwatch.GetElapsedTime(0, waited).TotalSeconds:F2} s, merging as they arrived {(Stopwatch.GetElapsedTime(started, read) - Stopwatch.GetElapsedTime(0, waited)).TotalSeconds:F2} s, " +
            $"after the last record {merged.TotalSeconds:F2} s; {_streamed.Count} merged as they arrived (in key order), {_records.Count} sorted on disk and merged after; " +
            $"CPU {PerRecord(readCpu - startedCpu, count)} µs a record while reading, {PerRecord(Environment.CpuUsage.TotalTime - readCpu, count)} µs after; " +
            $"{_comparedFields} row(s) read and compared field by field in {Stopwatch.GetElapsedTime(0, _compareFieldsTicks).TotalSeconds:F2} s"));
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

        return new Plan(_listed, summary) { Omitted = _creates + _updates + _deletes - _listed.Count };
    }

    public async ValueTask DisposeAsync()
    {
        if (_tableKeys is not null)
        {
            await _tableKeys.DisposeAsync();
        }

        await _streamed.DisposeAsync();
        await _deletions.DisposeAsync();
        await _records.DisposeAsync();
        await _inserts.DisposeAsync();
        await _changes.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static string PerRecord(TimeSpan cpu, long records) => (cpu.TotalMicroseconds / Math.Max(records, 1)).ToString("F1", CultureInfo.InvariantCulture);

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

    /// <summary>
    /// Reads the records and checks each (see <see cref="Check"/>), handing them on in batches; runs beside the merge, on
    /// its own thread. A failure (the source's, or a record's) ends the batches after the records before it, so an error
    /// the merge finds in an earlier record (a repeated key) is still the one raised.
    /// </summary>
    private async Task CheckAllAsync(IAsyncEnumerable<SourceRecord> records, ChannelWriter<CheckedRecords> batches, CancellationToken ct)
    {
        Exception? failure = null;
        var batch = new CheckedRecords();
        try
        {
            await foreach (var record in records.WithCancellation(ct))
            {
                var (key, hash) = Check(record);
                batch.Add(key, hash, record, JsonMarshal.GetRawUtf8Value(record.Value));
                if (batch.Full)
                {
                    await batches.WriteAsync(batch, ct);
                    batch = new CheckedRecords();
                }
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            await batches.WriteAsync(batch, ct);
        }
        catch (OperationCanceledException ex)
        {
            batch.Dispose(); // the merge stopped (a failure there), or the run was cancelled
            failure ??= ex;
        }
        finally
        {
            batches.Complete(failure);
        }
    }

    /// <summary>
    /// A checked record (the <paramref name="at"/>th of <paramref name="batch"/>): while the records arrive in key order,
    /// it is paired with the table's row of its key at once; otherwise it is spooled.
    /// </summary>
    private async ValueTask TakeAsync(CheckedRecords batch, int at, CancellationToken ct)
    {
        var key = batch.Key(at);
        var hash = batch.Hash(at);
        var origin = OriginOf(batch.Origin(at));
        var index = batch.Index(at);
        if (_inOrder && _lastStreamed is not null && KeyOrder.Compare(_lastStreamed, key) is var order and >= 0)
        {
            if (order == 0)
            {
                throw Duplicate(batch.Where(at), key);
            }

            await FallBackAsync(batch.Where(at), ct);
        }

        if (!_inOrder)
        {
            _records.Add(key, hash, batch.Json(at), origin, index);
            return;
        }

        _lastStreamed = key;
        _streamed.Add(key);
        var found = await SeekAsync(key, alreadyMerged: null, ct);
        Classify(found, key, hash, batch.Json(at), origin, index);
        await AfterClassifyAsync(found, ct);
    }

    /// <summary>Checks a record (an object with its key, values that fit their columns): its key values and the hash of its compared fields.</summary>
    private (object?[] Key, long Hash) Check(in SourceRecord record)
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

            var column = _keyColumns?[i] ?? ColumnFor(_key[i], field, record.Where, isKey: true)!;
            keyValues[i] = FieldValues.TryFromJson(field, column.Kind!.Value, out var converted)
                ? converted
                : throw FieldValues.Mismatch(field, column.Kind!.Value, _key[i], record.Where, _tableName);
        }

        _keyColumns ??= [.. _key.Select(k => _columns[k])];
        var hash = new RowHash();
        var scratch = new RowHash();
        _stamp++;
        var position = 0;
        foreach (var property in value.EnumerateObject())
        {
            var shape = FieldAt(position++, property, record);
            if (shape.IsKey)
            {
                continue;
            }

            if (_compare is null)
            {
                if (shape.Column is null)
                {
                    hash.AddNull(RowHash.Seed(property.Name));
                }
                else
                {
                    AddField(ref hash, shape.Seed, property.Value, shape.Column, shape.Name, record);
                }

                continue;
            }

            // compare: a field outside the list is still checked; one listed under two spellings counts under each.
            var first = true;
            foreach (var at in shape.CompareAt)
            {
                if (_compareSeen[at] != _stamp)
                {
                    _compareSeen[at] = _stamp;
                    if (shape.Column is null)
                    {
                        hash.AddNull(_compare[at].Seed);
                    }
                    else if (first)
                    {
                        AddField(ref hash, _compare[at].Seed, property.Value, shape.Column, shape.Name, record);
                    }
                    else
                    {
                        hash.Add(_compare[at].Seed, FieldValues.FromJson(property.Value, shape.Column.Kind!.Value, shape.Name, record.Where, _tableName));
                    }

                    first = false;
                }
            }

            if (first && shape.Column is not null)
            {
                AddField(ref scratch, shape.Seed, property.Value, shape.Column, shape.Name, record);
            }
        }

        for (var at = 0; at < (_compare?.Length ?? 0); at++)
        {
            if (_compareSeen[at] != _stamp && !_compare![at].IsKey)
            {
                hash.AddNull(_compare[at].Seed);
            }
        }

        return (keyValues, hash.Value);
    }

    /// <summary>Checks a field's value against its column and hashes it, from its bytes for the common kinds (see <see cref="FieldBytes"/>).</summary>
    private void AddField(ref RowHash hash, ulong seed, JsonElement value, SqlColumn column, string name, in SourceRecord record)
    {
        var kind = column.Kind!.Value;
        if (value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            if (value.ValueKind == JsonValueKind.String)
            {
                raw = raw[1..^1];
            }

            switch (kind)
            {
                case ColumnKind.Numeric or ColumnKind.Integer when FieldBytes.TryNumber(raw, out var negative, out var mantissa, out var scale) && (scale == 0 || kind == ColumnKind.Numeric):
                    hash.AddNumber(seed, negative, mantissa, scale);
                    return;
                case ColumnKind.Text when value.ValueKind == JsonValueKind.String && FieldBytes.IsPlainAscii(raw):
                    hash.AddAscii(seed, raw);
                    return;
                case ColumnKind.Date when value.ValueKind == JsonValueKind.String && FieldBytes.TryDate(raw, out var day):
                    hash.AddDate(seed, day);
                    return;
            }
        }

        hash.Add(seed, FieldValues.TryFromJson(value, kind, out var converted) ? converted : throw FieldValues.Mismatch(value, kind, name, record.Where, _tableName));
    }

    /// <summary>
    /// The field at <paramref name="position"/> of a record: its name, column and hash seeds. Upstreams send their records'
    /// fields in one order, so the previous record's field at that position, compared by its UTF-8 name, usually answers
    /// without allocating the name or looking the column up.
    /// </summary>
    private FieldShape FieldAt(int position, JsonProperty property, in SourceRecord record)
    {
        return position < _shape.Count && property.NameEquals(_shape[position].Utf8) ? _shape[position] : LearnField(position, property, record);
    }

    /// <summary>
    /// <see cref="FieldAt"/> for a field the shape does not have at <paramref name="position"/>. A method of its own: the
    /// closure of its lambda is allocated when the method starts, which in <see cref="FieldAt"/> was once per field of every record.
    /// </summary>
    private FieldShape LearnField(int position, JsonProperty property, in SourceRecord record)
    {
        var name = property.Name;
        var isKey = IsKey(name);
        var column = isKey ? null : ColumnFor(name, property.Value, record.Where, isKey: false);
        if (column is not null)
        {
            _recordFields.Add(column.Name);
        }

        var hashed = column?.Name ?? name;
        var compareAt = _compare is null ? [] : Enumerable.Range(0, _compare.Length).Where(i => _db.Names.Equals(_compare[i].Name, hashed)).ToArray();
        var shape = new FieldShape(Encoding.UTF8.GetBytes(name), name, column, isKey, RowHash.Seed(hashed), compareAt);
        if (position <= _shape.Count && (isKey || column is not null))
        {
            if (position == _shape.Count)
            {
                _shape.Add(shape);
            }
            else
            {
                _shape[position] = shape;
            }
        }

        return shape;
    }

    /// <summary>The index of a record's origin (its page, shared by the page's records) in <see cref="_origins"/>.</summary>
    private int OriginOf(string origin)
    {
        if (_origins.Count == 0 || !ReferenceEquals(_origins[^1], origin))
        {
            _origins.Add(origin);
        }

        return _origins.Count - 1;
    }

    private string WhereOf(SpooledRecord record) => record.Index == 0 ? _origins[record.Page] : SourceRecord.Of(_origins[record.Page], record.Index);

    /// <summary>A spooled record's fields converted again (it was checked when it arrived), for comparing or writing.</summary>
    private SqlRow RowOf(object?[] key, ReadOnlyMemory<byte> json)
    {
        var fields = new Dictionary<string, object?>(_db.Names);
        var reader = new Utf8JsonReader(json.Span);
        using var document = JsonDocument.ParseValue(ref reader);
        lock (_columns)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!IsKey(property.Name) && _columns.TryGetValue(property.Name, out var column))
                {
                    fields[column.Name] = FieldValues.FromJson(property.Value, column.Kind!.Value, property.Name, "", _options.Table.ToString());
                }
            }
        }

        return new SqlRow(key, fields);
    }

    private bool IsKey(string field)
    {
        for (var i = 0; i < _key.Count; i++) // not foreach: an interface's enumerator is an allocation, and this runs for every field of a changed row
        {
            if (_db.Names.Equals(_key[i], field))
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
        lock (_columns) // the merge reads the columns while records are checked (see RowOf)
        {
            _columns[field] = column;
            _newColumns.Add(column);
        }

        return column;
    }

    /// <summary>A record field as the run learned it: its name (UTF-8 and text), column, whether it is a key field, the hash seed of its name and its places in the <c>compare</c> list.</summary>
    private sealed record FieldShape(byte[] Utf8, string Name, SqlColumn? Column, bool IsKey, ulong Seed, int[] CompareAt);
}
