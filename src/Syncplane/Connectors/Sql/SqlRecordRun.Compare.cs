using System.Diagnostics;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Sql;

internal sealed partial class SqlRecordRun
{
    /// <summary>
    /// The first record out of key order (at <paramref name="where"/>): the records merged so far stay merged, except the
    /// rows they found gone (a later record may have one of those keys); this record and the rest are spooled and sorted,
    /// then merged after the last record with the table read again from its start (see <see cref="FinishMergeAsync"/>).
    /// </summary>
    private async Task FallBackAsync(string where, CancellationToken ct)
    {
        _inOrder = false;
        _log.Info($"sql destination: {where} is out of key order after {_streamed.Count} record(s) in order; the rest are sorted on disk and merged after the last record");
        _deletes = 0;
        _listed.RemoveAll(c => c.Kind == ChangeKind.Delete);
        await _deletions.DisposeAsync();
        _deletions = new ChangeSpool(_spoolDirectory);
        await _tableKeys!.DisposeAsync();
        _tableKeys = null;
    }

    /// <summary>
    /// After the last record: when every record came in key order, the table's rows after the last key are gone; otherwise
    /// the spooled records are merged with the whole table, skipping the rows the records merged as they arrived have.
    /// </summary>
    private async Task FinishMergeAsync(CancellationToken ct)
    {
        if (_inOrder)
        {
            while (_tableKeys!.Current is { } stored)
            {
                Gone(stored);
                await _tableKeys.MoveNextAsync(ct);
            }
        }
        else
        {
            await MergeSpooledAsync(ct);
        }

        if (_tableKeys is not null)
        {
            await _tableKeys.DisposeAsync(); // ends the scan: an open PostgreSQL cursor would block ALTER TABLE when the plan is written
            _tableKeys = null;
        }

        await CompareFieldsAsync(_differing, ct);
    }

    /// <summary>Walks the spooled records in key order beside the table's keys, read again from the start (see the class remarks).</summary>
    private async Task MergeSpooledAsync(CancellationToken ct)
    {
        _tableKeys = new TableKeys(this);
        if (_tableExists)
        {
            await _tableKeys.StartAsync(ct);
        }

        using var streamed = _streamed.ReadAll().GetEnumerator();
        var streamedKey = streamed.MoveNext() ? streamed.Current : null;
        SpooledRecord? previous = null;
        foreach (var record in _records.ReadSorted())
        {
            ct.ThrowIfCancellationRequested();
            var found = await SeekAsync(record.Key, AlreadyMerged, ct); // first: AlreadyMerged is asked in ascending order
            if ((previous is not null && KeyOrder.Compare(previous.Key, record.Key) == 0) || AlreadyMerged(record.Key))
            {
                throw Duplicate(WhereOf(record), record.Key);
            }

            previous = record;
            Classify(found, record.Key, record.Hash, record.Json.Span, record.Page, record.Index);
            await AfterClassifyAsync(found, ct);
        }

        while (_tableKeys.Current is { } stored)
        {
            if (!AlreadyMerged(stored))
            {
                Gone(stored);
            }

            await _tableKeys.MoveNextAsync(ct);
        }

        // Whether a record merged as it arrived had this key; asked with keys in ascending order.
        bool AlreadyMerged(object?[] key)
        {
            var order = -1;
            while (streamedKey is not null && (order = KeyOrder.Compare(streamedKey, key)) < 0)
            {
                streamedKey = streamed.MoveNext() ? streamed.Current : null;
            }

            return streamedKey is not null && order == 0;
        }
    }

    /// <summary>
    /// Moves <see cref="_tableKeys"/> up to <paramref name="key"/>: rows before it are gone (unless <paramref name="alreadyMerged"/>
    /// says a record had them). True when the table has a row with <paramref name="key"/>, which is then current.
    /// </summary>
    private async ValueTask<bool> SeekAsync(object?[] key, Func<object?[], bool>? alreadyMerged, CancellationToken ct)
    {
        var order = 1;
        while (_tableKeys!.Current is { } stored && (order = KeyOrder.Compare(stored, key)) < 0)
        {
            if (alreadyMerged is null || !alreadyMerged(stored))
            {
                Gone(stored);
            }

            await _tableKeys.MoveNextAsync(ct);
        }

        return order == 0;
    }

    /// <summary>A record beside the table's row of its key (when <paramref name="found"/>): an insert, unchanged by its hash, or to compare field by field.</summary>
    private void Classify(bool found, object?[] key, long hash, ReadOnlySpan<byte> json, int page, int index)
    {
        if (!found)
        {
            _creates++;
            if (Listing)
            {
                _listed.Add(new Change(ChangeKind.Create, SpooledRecord.KeyTextOf(key), null, null));
            }

            Spool(_inserts, SqlChange.Insert, key, hash, json);
        }
        else if (_tableKeys!.CurrentHash == hash)
        {
            _unchanged++;
        }
        else
        {
            _differing.Add(new SpooledRecord(key, hash, json.ToArray(), page, index, 0));
        }
    }

    private async ValueTask AfterClassifyAsync(bool found, CancellationToken ct)
    {
        if (found)
        {
            await _tableKeys!.MoveNextAsync(ct);
        }

        if (_differing.Count == BatchSize)
        {
            await CompareFieldsAsync(_differing, ct);
        }
    }

    private static InvalidDataException Duplicate(string where, object?[] key) =>
        new($"{where} has the key {SpooledRecord.KeyTextOf(key)}, like an earlier record; 'key' must name fields that identify one record");

    /// <summary>A row the source no longer has: deleted with <c>delete: true</c>, kept otherwise.</summary>
    private void Gone(object?[] key)
    {
        if (_options.Delete)
        {
            _deletes++;
            if (Listing)
            {
                _listed.Add(new Change(ChangeKind.Delete, SpooledRecord.KeyTextOf(key), null, null));
            }

            Spool(_deletions, SqlChange.Delete, key, 0, []);
        }
    }

    /// <summary>Rows whose stored hash differs from the record's (or is NULL): read and compared field by field.</summary>
    private async Task CompareFieldsAsync(List<SpooledRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        if (_tableKeys is not null)
        {
            await _tableKeys.IdleAsync();
        }

        _comparedFields += records.Count;
        var rows = records.Select(r => RowOf(r.Key, r.Json)).ToList();
        var existing = await ReadExistingAsync(rows, ct);
        for (var i = 0; i < rows.Count; i++)
        {
            var changed = Changes(rows[i], existing.GetValueOrDefault(rows[i].Key) ?? []);
            if (changed.Count == 0)
            {
                _unchanged++;
                continue;
            }

            _updates++;
            if (Listing)
            {
                _listed.Add(new Change(ChangeKind.Update, rows[i].Key, null, null) { Fields = changed });
            }

            Spool(_changes, SqlChange.Update, records[i].Key, records[i].Hash, records[i].Json.Span);
        }

        records.Clear();
        _compareFieldsTicks += Stopwatch.GetTimestamp() - started;
    }

    private void Spool(ChangeSpool spool, SqlChange kind, object?[] key, long hash, ReadOnlySpan<byte> json)
    {
        if (_write)
        {
            spool.Add(kind, key, hash, json);
        }
    }

    /// <summary>
    /// The rows that the table holds for <paramref name="rows"/>, by key text: the value of each compared column (the
    /// <c>compare</c> list, or else every column a record of the batch has), by column name.
    /// </summary>
    private async Task<Dictionary<string, Dictionary<string, object?>>> ReadExistingAsync(List<SqlRow> rows, CancellationToken ct)
    {
        var wanted = new HashSet<string>(_options.Compare ?? rows.SelectMany(r => r.Fields.Keys), _db.Names);
        List<SqlColumn> columns;
        lock (_columns)
        {
            columns = [.. _columns.Values.Where(c => wanted.Contains(c.Name) && _inDatabase.Contains(c.Name) && !IsKey(c.Name))];
        }

        var found = await _db.ReadRowsAsync(_table, _keyColumns!, [.. rows.Select(r => r.KeyValues)], columns, ct);
        var existing = new Dictionary<string, Dictionary<string, object?>>(found.Count, StringComparer.Ordinal);
        foreach (var values in found)
        {
            var fields = new Dictionary<string, object?>(_db.Names);
            for (var i = 0; i < columns.Count; i++)
            {
                fields[columns[i].Name] = values[_keyColumns!.Length + i];
            }

            existing[SpooledRecord.KeyTextOf(values[.._keyColumns!.Length])] = fields;
        }

        return existing;
    }

    /// <summary>The compared fields whose value differs: every field of the record, or the <c>compare</c> list (a field the record lacks counts as null).</summary>
    private List<FieldChange> Changes(SqlRow row, Dictionary<string, object?> old)
    {
        var changed = new List<FieldChange>();
        foreach (var field in _options.Compare ?? (IEnumerable<string>)row.Fields.Keys)
        {
            if (IsKey(field))
            {
                continue;
            }

            var now = row.Fields.GetValueOrDefault(field);
            var before = old.GetValueOrDefault(field);
            if (!FieldValues.Same(before, now))
            {
                changed.Add(new FieldChange(field, FieldValues.Literal(before), FieldValues.Literal(now)));
            }
        }

        return changed;
    }

    /// <summary>Whether a change is still listed in detail in the plan (the first <see cref="ListedChanges"/>); the counts cover all.</summary>
    private bool Listing => _listed.Count < ListedChanges;

    /// <summary>
    /// The table's keys and stored hashes in <see cref="KeyOrder"/>, a chunk at a time. A key that does not sort after the
    /// one before (a column type or collation whose order the destination does not share) fails the run rather than
    /// pair rows wrongly.
    /// </summary>
    /// <remarks>
    /// The next chunk is read on another thread while the records are merged with this one, so the table's read overlaps
    /// the records' checking. The connection serves one statement at a time: anything else the run asks of it during the
    /// scan waits for that read first (<see cref="IdleAsync"/>).
    /// </remarks>
    private sealed class TableKeys(SqlRecordRun run) : IAsyncDisposable
    {
        private List<(object?[] Key, long? Hash)> _chunk = [];
        private Task<List<(object?[] Key, long? Hash)>>? _ahead;
        private int _at;

        public object?[]? Current => _at >= 0 && _at < _chunk.Count ? _chunk[_at].Key : null;

        public long? CurrentHash => _chunk[_at].Hash;

        public async Task StartAsync(CancellationToken ct)
        {
            await run._db.StartScanAsync(run._table, run._keyColumns!, run._inDatabase.Contains(HashColumn) ? HashColumn : null, ct);
            _at = -1;
            ReadAhead(ct);
            await MoveNextAsync(ct);
        }

        public async Task MoveNextAsync(CancellationToken ct)
        {
            var previous = Current;
            if (++_at >= _chunk.Count && _ahead is { } ahead)
            {
                _ahead = null;
                _chunk = await ahead;
                _at = 0;
                if (_chunk.Count == ScanChunk)
                {
                    ReadAhead(ct);
                }
            }

            if (previous is not null && Current is { } next && KeyOrder.Compare(previous, next) >= 0)
            {
                throw new InvalidDataException(
                    $"table {run._options.Table}: the database returned the key {SpooledRecord.KeyTextOf(next)} after {SpooledRecord.KeyTextOf(previous)}; " +
                    "its key columns sort in an order the sql destination does not compare keys in (text by UTF-8 bytes, numbers by value)");
            }
        }

        /// <summary>Waits until the connection is free: the chunk being read ahead (if any) is in.</summary>
        public async Task IdleAsync()
        {
            if (_ahead is { } ahead)
            {
                await ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // its failure is raised when the chunk is taken
            }
        }

        public async ValueTask DisposeAsync()
        {
            await IdleAsync(); // a chunk read ahead and not taken (the scan ended early) is dropped
            await run._db.EndScanAsync();
        }

        private void ReadAhead(CancellationToken ct) => _ahead = Task.Run(() => run._db.NextScanAsync(ScanChunk, ct), ct);
    }
}
