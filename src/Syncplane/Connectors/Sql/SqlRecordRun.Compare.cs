using Syncplane.Planning;

namespace Syncplane.Connectors.Sql;

internal sealed partial class SqlRecordRun
{
    /// <summary>Walks the records in key order beside the table's keys (see the class remarks).</summary>
    private async Task MergeAsync(CancellationToken ct)
    {
        await using var table = new TableKeys(this);
        if (_tableExists)
        {
            await table.StartAsync(ct);
        }

        SpooledRecord? previous = null;
        var differing = new List<SpooledRecord>(BatchSize);
        foreach (var record in _records.ReadSorted())
        {
            ct.ThrowIfCancellationRequested();
            if (previous is not null && KeyOrder.Compare(previous.Key, record.Key) == 0)
            {
                throw new InvalidDataException($"{WhereOf(record)} has the key {record.KeyText}, like an earlier record; 'key' must name fields that identify one record");
            }

            previous = record;
            var order = 1;
            while (table.Current is { } stored && (order = KeyOrder.Compare(stored, record.Key)) < 0)
            {
                Gone(stored);
                await table.MoveNextAsync(ct);
            }

            if (order != 0)
            {
                _creates++;
                List(new Change(ChangeKind.Create, record.KeyText, null, null));
                Spool(_inserts, SqlChange.Insert, record.Key, record.Hash, record.Json.Span);
                continue;
            }

            if (table.CurrentHash == record.Hash)
            {
                _unchanged++;
            }
            else
            {
                differing.Add(record);
                if (differing.Count == BatchSize)
                {
                    await CompareFieldsAsync(differing, ct);
                }
            }

            await table.MoveNextAsync(ct);
        }

        while (table.Current is { } stored)
        {
            Gone(stored);
            await table.MoveNextAsync(ct);
        }

        await CompareFieldsAsync(differing, ct);
    }

    /// <summary>A row the source no longer has: deleted with <c>delete: true</c>, kept otherwise.</summary>
    private void Gone(object?[] key)
    {
        if (_options.Delete)
        {
            _deletes++;
            List(new Change(ChangeKind.Delete, SpooledRecord.KeyTextOf(key), null, null));
            Spool(_changes, SqlChange.Delete, key, 0, []);
        }
    }

    /// <summary>Rows whose stored hash differs from the record's (or is NULL): read and compared field by field.</summary>
    private async Task CompareFieldsAsync(List<SpooledRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }

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
            List(new Change(ChangeKind.Update, rows[i].Key, null, null) { Fields = changed });
            Spool(_changes, SqlChange.Update, records[i].Key, records[i].Hash, records[i].Json.Span);
        }

        records.Clear();
    }

    private void Spool(ChangeSpool spool, SqlChange kind, object?[] key, long hash, ReadOnlySpan<byte> json)
    {
        if (_write)
        {
            spool.Add(kind, key, hash, json);
        }
    }

    /// <summary>The rows that the table holds for <paramref name="rows"/>, by key text: the value of every column a record of the batch has, by column name.</summary>
    private async Task<Dictionary<string, Dictionary<string, object?>>> ReadExistingAsync(List<SqlRow> rows, CancellationToken ct)
    {
        var wanted = new HashSet<string>(_db.Names);
        foreach (var row in rows)
        {
            wanted.UnionWith(row.Fields.Keys);
        }

        wanted.UnionWith(_options.Compare ?? []);
        var columns = _columns.Values.Where(c => wanted.Contains(c.Name) && _inDatabase.Contains(c.Name) && !IsKey(c.Name)).ToList();
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

    private void List(Change change)
    {
        if (_listed.Count < ListedChanges)
        {
            _listed.Add(change);
        }
        else
        {
            _omitted++;
        }
    }

    /// <summary>
    /// The table's keys and stored hashes in <see cref="KeyOrder"/>, a chunk at a time. A key that does not sort after the
    /// one before (a column type or collation whose order the destination does not share) fails the run rather than
    /// pair rows wrongly.
    /// </summary>
    private sealed class TableKeys(SqlRecordRun run) : IAsyncDisposable
    {
        private List<(object?[] Key, long? Hash)> _chunk = [];
        private int _at;
        private bool _more;

        public object?[]? Current => _at >= 0 && _at < _chunk.Count ? _chunk[_at].Key : null;

        public long? CurrentHash => _chunk[_at].Hash;

        public async Task StartAsync(CancellationToken ct)
        {
            await run._db.StartScanAsync(run._table, run._keyColumns!, run._inDatabase.Contains(HashColumn) ? HashColumn : null, ct);
            _more = true;
            _at = -1;
            await MoveNextAsync(ct);
        }

        public async Task MoveNextAsync(CancellationToken ct)
        {
            var previous = Current;
            if (++_at >= _chunk.Count && _more)
            {
                _chunk = await run._db.NextScanAsync(ScanChunk, ct);
                _more = _chunk.Count == ScanChunk;
                _at = 0;
            }

            if (previous is not null && Current is { } next && KeyOrder.Compare(previous, next) >= 0)
            {
                throw new InvalidDataException(
                    $"table {run._options.Table}: the database returned the key {SpooledRecord.KeyTextOf(next)} after {SpooledRecord.KeyTextOf(previous)}; " +
                    "its key columns sort in an order the sql destination does not compare keys in (text by UTF-8 bytes, numbers by value)");
            }
        }

        public async ValueTask DisposeAsync() => await run._db.EndScanAsync();
    }
}
