using System.Runtime.InteropServices;
using Syncplane.Planning;

namespace Syncplane.Connectors.Sql;

internal sealed partial class SqlRecordRun
{
    /// <summary>
    /// Applies one record at once (an event's change) instead of a full comparison: checks, converts and hashes it as
    /// <see cref="PlanAsync"/> does, then inserts or updates its row (creating the table or adding columns as a full sync
    /// would), or deletes the row with its key; commits.
    /// </summary>
    /// <returns>What changed; null when the row already was in that state.</returns>
    public async Task<ChangeKind?> PatchAsync(SourceRecord record, bool delete, CancellationToken cancellationToken)
    {
        var (key, hash) = Check(record);
        var json = JsonMarshal.GetRawUtf8Value(record.Value).ToArray();
        if (delete)
        {
            if (!_tableExists || (await _db.ReadRowsAsync(_table, _keyColumns!, [key], [], cancellationToken)).Count == 0)
            {
                return null;
            }

            await _db.DeleteAsync(_table, _keyColumns!, [key], cancellationToken);
            await _db.CommitAsync(cancellationToken);
            return ChangeKind.Delete;
        }

        var row = RowOf(key, json);
        ChangeKind? change = ChangeKind.Create;
        if (_tableExists && (await ReadExistingAsync([row], cancellationToken)).TryGetValue(row.Key, out var existing))
        {
            change = Changes(row, existing).Count == 0 ? null : ChangeKind.Update;
        }

        if (change is null)
        {
            return null;
        }

        if (change == ChangeKind.Create)
        {
            _creates++;
            Spool(_inserts, SqlChange.Insert, key, hash, json);
        }
        else
        {
            _updates++;
            Spool(_changes, SqlChange.Update, key, hash, json);
        }

        await ApplyAsync(cancellationToken);
        return change;
    }
}
