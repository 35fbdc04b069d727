using System.Diagnostics;
using System.Globalization;
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

        if (_inserts.Count == 0 && _changes.Count == 0 && _deletions.Count == 0)
        {
            return; // nothing to write, not even a column to add
        }

        var started = Stopwatch.GetTimestamp();
        var startedCpu = Environment.CpuUsage.TotalTime;
        await ApplySchemaAsync(cancellationToken);
        if (_inserts.Count > 0)
        {
            var fields = _columns.Values.Where(c => _recordFields.Contains(c.Name)).ToList();
            SqlColumn[] columns = [.. _keyColumns!, .. fields, new SqlColumn(ChangedAt, ColumnKind.Timestamp, _db.ChangedAtType), HashColumnOf()];
            await _db.InsertAsync(_table, columns, InsertRows(fields), cancellationToken);
        }

        // Updates are grouped by the fields their records carry (a record sets only those), and each group is written
        // in one call; at most WriteChunk changes are held.
        var updates = new Dictionary<string, (SqlColumn[] Columns, List<object?[]> Rows)>(StringComparer.Ordinal);
        var deletes = new List<object?[]>();
        var held = 0;
        foreach (var (kind, key, hash, json) in _changes.ReadAll().Concat(_deletions.ReadAll()))
        {
            if (kind == SqlChange.Delete)
            {
                deletes.Add(key);
            }
            else
            {
                var row = RowOf(key, json);
                var fields = string.Join('\n', row.Fields.Keys);
                if (!updates.TryGetValue(fields, out var group))
                {
                    group = ([.. row.Fields.Keys.Select(f => _columns[f]), new SqlColumn(ChangedAt, ColumnKind.Timestamp, _db.ChangedAtType), HashColumnOf()], []);
                    updates[fields] = group;
                }

                group.Rows.Add([.. key, .. row.Fields.Values, _now, hash]);
            }

            if (++held == WriteChunk)
            {
                await WriteAsync(updates, deletes, cancellationToken);
                held = 0;
            }
        }

        await WriteAsync(updates, deletes, cancellationToken);
        var written = Stopwatch.GetTimestamp();
        await _db.CommitAsync(cancellationToken);
        _log.Info(string.Create(CultureInfo.InvariantCulture,
            $"sql destination: wrote {_inserts.Count} insert(s), {_changes.Count} update(s), {_deletions.Count} delete(s) in {Stopwatch.GetElapsedTime(started, written).TotalSeconds:F2} s, " +
            $"commit {Stopwatch.GetElapsedTime(written).TotalSeconds:F2} s; CPU {(Environment.CpuUsage.TotalTime - startedCpu).TotalSeconds:F2} s"));
    }

    private async Task WriteAsync(Dictionary<string, (SqlColumn[] Columns, List<object?[]> Rows)> updates, List<object?[]> deletes, CancellationToken ct)
    {
        foreach (var (columns, rows) in updates.Values)
        {
            await _db.UpdateAsync(_table, _keyColumns!, columns, rows, ct);
        }

        await _db.DeleteAsync(_table, _keyColumns!, deletes, ct);
        updates.Clear();
        deletes.Clear();
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
            await _db.ExecuteAsync(sql, ct);
            _log.Info($"sql destination: created table {_options.Table}");
            return;
        }

        foreach (var column in _newColumns)
        {
            await _db.ExecuteAsync($"ALTER TABLE {_table} ADD COLUMN {SqlDialect.Quote(column.Name)} {column.DatabaseType}", ct);
            _log.Info($"sql destination: added column {column.Name} ({column.DatabaseType}) to {_options.Table}");
        }
    }
}
