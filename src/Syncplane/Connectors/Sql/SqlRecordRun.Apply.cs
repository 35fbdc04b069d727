using Syncplane.Engine;

namespace Syncplane.Connectors.Sql;

internal sealed partial class SqlRecordRun
{
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (!_write)
        {
            throw new InvalidOperationException("a dry run writes nothing");
        }

        if (_inserts.Count == 0 && _changes.Count == 0)
        {
            return; // nothing to write, not even a column to add
        }

        await ApplySchemaAsync(cancellationToken);
        if (_inserts.Count > 0)
        {
            var fields = _columns.Values.Where(c => _recordFields.Contains(c.Name)).ToList();
            SqlColumn[] columns = [.. _keyColumns!, .. fields, new SqlColumn(ChangedAt, ColumnKind.Timestamp, _db.ChangedAtType), HashColumnOf()];
            await _db.InsertAsync(_table, columns, InsertRows(fields), cancellationToken);
        }

        var statements = new List<SqlStatement>(BatchSize);
        foreach (var (kind, key, hash, json) in _changes.ReadAll())
        {
            statements.Add(kind == SqlChange.Update ? Update(RowOf(key, json), hash) : Delete(key));
            if (statements.Count == BatchSize)
            {
                await _db.ExecuteAsync(statements, cancellationToken);
                statements.Clear();
            }
        }

        await _db.ExecuteAsync(statements, cancellationToken);
        await _db.CommitAsync(cancellationToken);
    }

    /// <summary>The inserted rows' values: key, then <paramref name="fields"/> (null for a field a record lacks), change time and hash.</summary>
    private IEnumerable<object?[]> InsertRows(List<SqlColumn> fields)
    {
        foreach (var (_, key, hash, json) in _inserts.ReadAll())
        {
            var row = RowOf(key, json);
            var values = new object?[key.Length + fields.Count + 2];
            key.CopyTo(values, 0);
            for (var i = 0; i < fields.Count; i++)
            {
                values[key.Length + i] = row.Fields.GetValueOrDefault(fields[i].Name);
            }

            values[^2] = _now;
            values[^1] = hash;
            yield return values;
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
            var keys = _keyColumns!.Select(c => $"{SqlDialect.Quote(c.Name)} {_db.KeyTypeOf(c)} NOT NULL");
            var others = _newColumns.Where(c => !IsKey(c.Name)).Select(c => $"{SqlDialect.Quote(c.Name)} {c.DatabaseType}");
            var own = $"{SqlDialect.Quote(ChangedAt)} {_db.ChangedAtType}, {SqlDialect.Quote(HashColumn)} {_db.TypeOf(ColumnKind.Integer)}";
            var sql = $"CREATE TABLE {_table} ({string.Join(", ", keys.Concat(others))}, {own}, PRIMARY KEY {SqlDialect.KeyList(_keyColumns!)}){_db.TableOptions}";
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

    /// <summary>Sets every field the record carries (not only the changed ones), the change time and the hash.</summary>
    private SqlStatement Update(SqlRow row, long hash)
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
        sets.Add($"{SqlDialect.Quote(HashColumn)} = @p{parameters.Count}");
        parameters.Add((ColumnKind.Integer, hash));
        var where = SqlDialect.KeyCondition(_keyColumns!, parameters.Count);
        parameters.AddRange(_keyColumns!.Select((c, i) => (c.Kind!.Value, row.KeyValues[i])));
        return new SqlStatement($"UPDATE {_table} SET {string.Join(", ", sets)} WHERE {where}", parameters);
    }

    private SqlStatement Delete(object?[] key) =>
        new($"DELETE FROM {_table} WHERE {SqlDialect.KeyCondition(_keyColumns!)}", [.. _keyColumns!.Select((c, i) => (c.Kind!.Value, key[i]))]);
}
