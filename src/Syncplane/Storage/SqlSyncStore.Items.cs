using System.Data.Common;
using Syncplane.Planning;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <summary>Parameters in order of first appearance: target, side, key, kind, size, mtime_ticks, mode, hash, link_target.</summary>
    private protected const string UpsertItemSql =
        "INSERT INTO item_index (target, side, key, kind, size, mtime_ticks, mode, hash, link_target) " +
        "VALUES (@target, @side, @key, @kind, @size, @mtime_ticks, @mode, @hash, @link_target) " +
        "ON CONFLICT (target, side, key) DO UPDATE SET kind = excluded.kind, size = excluded.size, " +
        "mtime_ticks = excluded.mtime_ticks, mode = excluded.mode, hash = excluded.hash, link_target = excluded.link_target";

    /// <summary>Parameters in order: target, side, key.</summary>
    private protected const string DeleteItemSql = "DELETE FROM item_index WHERE target = @target AND side = @side AND key = @key";

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, Item>> GetItemIndexAsync(string target, string side, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentException.ThrowIfNullOrEmpty(side);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT key, kind, size, mtime_ticks, mode, hash, link_target FROM item_index WHERE target = @target AND side = @side");
        Add(command, "@target", target);
        Add(command, "@side", side);
        var items = new Dictionary<string, Item>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            items[key] = new Item(
                key,
                StoreText.ToItemKind(reader.GetString(1)),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6));
        }

        return items;
    }

    /// <inheritdoc />
    /// <remarks>Upserts are applied first, then deletes, all in one transaction.</remarks>
    public async Task UpdateItemIndexAsync(
        string target, string side, IReadOnlyCollection<Item> upserts, IReadOnlyCollection<string> deletes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentException.ThrowIfNullOrEmpty(side);
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        if (upserts.Count == 0 && deletes.Count == 0)
        {
            return;
        }

        // Key order turns scattered B-tree inserts into appends.
        var ordered = upserts.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await WriteItemsAsync(transaction, target, side, ordered, deletes, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Writes index rows inside <paramref name="transaction"/>: one prepared command per kind, reused for every row.
    /// A dialect overrides this when its driver has a faster bulk path.
    /// </summary>
    protected virtual async Task WriteItemsAsync(
        DbTransaction transaction, string target, string side, IReadOnlyList<Item> upserts, IReadOnlyCollection<string> deletes, CancellationToken cancellationToken)
    {
        if (upserts.Count > 0)
        {
            await using var upsert = Command(transaction, UpsertItemSql);
            Add(upsert, "@target", target);
            Add(upsert, "@side", side);
            var key = Add(upsert, "@key", string.Empty);
            var kind = Add(upsert, "@kind", string.Empty);
            var size = Add(upsert, "@size", 0L);
            var mtime = Add(upsert, "@mtime_ticks", 0L);
            var mode = Add(upsert, "@mode", 0);
            var hash = Add(upsert, "@hash", null);
            var link = Add(upsert, "@link_target", null);
            await upsert.PrepareAsync(cancellationToken);
            foreach (var item in upserts)
            {
                key.Value = item.Key;
                kind.Value = StoreText.From(item.Kind);
                size.Value = item.Size;
                mtime.Value = item.MtimeTicks;
                mode.Value = item.Mode;
                hash.Value = (object?)item.Hash ?? DBNull.Value;
                link.Value = (object?)item.LinkTarget ?? DBNull.Value;
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        if (deletes.Count > 0)
        {
            await using var delete = Command(transaction, DeleteItemSql);
            Add(delete, "@target", target);
            Add(delete, "@side", side);
            var key = Add(delete, "@key", string.Empty);
            await delete.PrepareAsync(cancellationToken);
            foreach (var deleted in deletes)
            {
                key.Value = deleted;
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
