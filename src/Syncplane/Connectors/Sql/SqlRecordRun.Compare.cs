using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Sql;

internal sealed partial class SqlRecordRun
{
    /// <summary>Keys read per page when looking for rows to delete.</summary>
    private const int DeletePage = 5000;

    /// <summary>Statements sent per round trip when writing.</summary>
    private const int WriteBatch = 500;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (!_write)
        {
            throw new InvalidOperationException("a dry run writes nothing");
        }

        if (_spool.Count == 0)
        {
            return; // nothing to write, not even a column to add
        }

        await ApplySchemaAsync(cancellationToken);
        var statements = new List<SqlStatement>(WriteBatch);
        foreach (var (kind, row) in _spool.ReadAll(_db.Names))
        {
            statements.Add(kind switch
            {
                SqlChange.Insert => Insert(row),
                SqlChange.Update => Update(row),
                _ => Delete(row.KeyValues),
            });
            if (statements.Count == WriteBatch)
            {
                await _db.ExecuteAsync(statements, cancellationToken);
                statements.Clear();
            }
        }

        await _db.ExecuteAsync(statements, cancellationToken);
        await _db.CommitAsync(cancellationToken);
    }

    private async Task CompareAsync(List<SqlRow> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var existing = _tableExists ? await ReadExistingAsync(batch, ct) : [];
        foreach (var row in batch)
        {
            if (!existing.TryGetValue(row.Hash, out var old))
            {
                _creates++;
                List(new Change(ChangeKind.Create, row.Key, null, null));
                Spool(SqlChange.Insert, row);
                continue;
            }

            var changed = Changes(row, old);
            if (changed.Count == 0)
            {
                _unchanged++;
                continue;
            }

            _updates++;
            List(new Change(ChangeKind.Update, row.Key, null, null) { Fields = changed });
            Spool(SqlChange.Update, row);
        }
    }

    private void Spool(SqlChange kind, SqlRow row)
    {
        if (_write)
        {
            _spool.Add(kind, row);
        }
    }

    /// <summary>Creates the table with every column the run needs, or adds the columns new fields need.</summary>
    private async Task ApplySchemaAsync(CancellationToken ct)
    {
        if (!_tableExists && _creates == 0)
        {
            return;
        }

        if (!_tableExists)
        {
            var keys = _keyColumns!.Select(c => $"{SqlDialect.Quote(c.Name)} {c.DatabaseType} NOT NULL");
            var others = _newColumns.Where(c => !_key.Contains(c.Name, _db.Names)).Select(c => $"{SqlDialect.Quote(c.Name)} {c.DatabaseType}");
            var sql = $"CREATE TABLE {_table} ({string.Join(", ", keys.Concat(others))}, {SqlDialect.Quote(ChangedAt)} {_db.ChangedAtType}, PRIMARY KEY {SqlDialect.KeyList(_keyColumns!)})";
            await _db.ExecuteAsync([new SqlStatement(sql, [])], ct);
            _log.Info($"sql destination: created table {_options.Table}");
            return;
        }

        foreach (var column in _newColumns)
        {
            await _db.ExecuteAsync([new SqlStatement($"ALTER TABLE {_table} ADD COLUMN {SqlDialect.Quote(column.Name)} {column.DatabaseType}", [])], ct);
            _log.Info($"sql destination: added column {column.Name} ({column.DatabaseType}) to {_options.Table}");
        }
    }

    /// <summary>The batch's rows that the table holds, by key hash: the value of every column a record of the batch has, by column name.</summary>
    private async Task<Dictionary<UInt128, Dictionary<string, object?>>> ReadExistingAsync(List<SqlRow> batch, CancellationToken ct)
    {
        var wanted = new HashSet<string>(_db.Names);
        foreach (var row in batch)
        {
            wanted.UnionWith(row.Fields.Keys);
        }

        wanted.UnionWith(_options.Compare ?? []);
        var columns = _columns.Values.Where(c => wanted.Contains(c.Name) && _inDatabase.Contains(c.Name) && !_key.Contains(c.Name, _db.Names)).ToList();
        var rows = await _db.ReadRowsAsync(_table, _keyColumns!, [.. batch.Select(r => r.KeyValues)], columns, ct);
        var existing = new Dictionary<UInt128, Dictionary<string, object?>>(rows.Count);
        foreach (var values in rows)
        {
            var fields = new Dictionary<string, object?>(_db.Names);
            for (var i = 0; i < columns.Count; i++)
            {
                fields[columns[i].Name] = values[_keyColumns!.Length + i];
            }

            existing[SqlRow.HashOf(values[.._keyColumns!.Length])] = fields;
        }

        return existing;
    }

    /// <summary>The compared fields whose value differs: every field of the record, or the <c>compare</c> list (a field the record lacks counts as null).</summary>
    private List<FieldChange> Changes(SqlRow row, Dictionary<string, object?> old)
    {
        var changed = new List<FieldChange>();
        foreach (var field in _options.Compare ?? (IEnumerable<string>)row.Fields.Keys)
        {
            if (_key.Contains(field, _db.Names))
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

    private SqlStatement Insert(SqlRow row)
    {
        var parameters = new List<(ColumnKind, object?)>();
        var names = new List<string>();
        for (var i = 0; i < _keyColumns!.Length; i++)
        {
            names.Add(SqlDialect.Quote(_keyColumns[i].Name));
            parameters.Add((_keyColumns[i].Kind!.Value, row.KeyValues[i]));
        }

        foreach (var (field, value) in row.Fields)
        {
            names.Add(SqlDialect.Quote(field));
            parameters.Add((_columns[field].Kind!.Value, value));
        }

        names.Add(SqlDialect.Quote(ChangedAt));
        parameters.Add((ColumnKind.Timestamp, _now));
        return new SqlStatement($"INSERT INTO {_table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => $"@p{i}"))})", parameters);
    }

    /// <summary>Sets every field the record carries (not only the changed ones) and the change time.</summary>
    private SqlStatement Update(SqlRow row)
    {
        var parameters = new List<(ColumnKind, object?)>();
        var sets = new List<string>();
        foreach (var (field, value) in row.Fields)
        {
            sets.Add($"{SqlDialect.Quote(field)} = @p{parameters.Count}");
            parameters.Add((_columns[field].Kind!.Value, value));
        }

        sets.Add($"{SqlDialect.Quote(ChangedAt)} = @p{parameters.Count}");
        parameters.Add((ColumnKind.Timestamp, _now));
        var where = SqlDialect.KeyCondition(_keyColumns!, parameters.Count);
        parameters.AddRange(_keyColumns!.Select((c, i) => (c.Kind!.Value, row.KeyValues[i])));
        return new SqlStatement($"UPDATE {_table} SET {string.Join(", ", sets)} WHERE {where}", parameters);
    }

    /// <summary>Walks the table's keys in key order, a page at a time, for those the run did not see.</summary>
    private async Task PlanDeletesAsync(CancellationToken ct)
    {
        object?[]? after = null;
        while (true)
        {
            var keys = await _db.KeysAfterAsync(_table, _keyColumns!, after, DeletePage, ct);
            foreach (var key in keys.Where(k => !_seen.Contains(SqlRow.HashOf(k))))
            {
                _deletes++;
                var row = new SqlRow(string.Join('/', key.Select(FieldValues.KeyText)), key, [], "");
                List(new Change(ChangeKind.Delete, row.Key, null, null));
                Spool(SqlChange.Delete, row);
            }

            if (keys.Count < DeletePage)
            {
                return;
            }

            after = keys[^1];
        }
    }

    private SqlStatement Delete(object?[] key) =>
        new($"DELETE FROM {_table} WHERE {SqlDialect.KeyCondition(_keyColumns!)}", [.. _keyColumns!.Select((c, i) => (c.Kind!.Value, key[i]))]);

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
}
