using Npgsql;
using NpgsqlTypes;
using Syncplane.Planning;

namespace Syncplane.Storage.Postgres;

/// <summary>
/// Writes item index rows in a few statements instead of one round trip per row: each chunk of
/// upserts is one <c>INSERT … SELECT FROM unnest(arrays) ON CONFLICT</c>, and the deletes are one
/// <c>DELETE … WHERE key = ANY(array)</c>. The arrays travel in Npgsql's binary format.
/// </summary>
/// <remarks>
/// Rows whose values did not change are left alone (<c>WHERE … IS DISTINCT FROM</c>): in
/// PostgreSQL every update writes a new row version, and a re-sync of a large, mostly unchanged
/// tree would otherwise rewrite its whole index. Callers hold a per-(target, side) lock, so two
/// writers of one index never interleave and cannot deadlock on each other's keys.
/// <para>
/// Measured on this project's shared 2-core machine, 100,000 items in one call: 1.2–2.5 s to insert
/// or update and 0.1–0.35 s to delete 50,000, against 10.6 s, 12.5 s and 5.9 s for the shared
/// path's one prepared statement per row (a round trip each). Binary COPY into a
/// temporary table measured the same within noise, and costs a temporary table (catalog churn)
/// per call, so arrays it is.
/// </para>
/// </remarks>
internal static class PostgresItemWriter
{
    /// <summary>Rows per statement: bounds the memory of one array parameter set (a few MB).</summary>
    private const int ChunkSize = 20_000;

    private const string UpsertSql =
        "INSERT INTO item_index (target, side, key, kind, size, mtime_ticks, mode, hash, link_target) " +
        "SELECT @target, @side, u.* FROM unnest(@keys, @kinds, @sizes, @mtimes, @modes, @hashes, @links) " +
        "AS u (key, kind, size, mtime_ticks, mode, hash, link_target) " +
        "ON CONFLICT (target, side, key) DO UPDATE SET kind = excluded.kind, size = excluded.size, " +
        "mtime_ticks = excluded.mtime_ticks, mode = excluded.mode, hash = excluded.hash, link_target = excluded.link_target " +
        "WHERE (item_index.kind, item_index.size, item_index.mtime_ticks, item_index.mode, item_index.hash, item_index.link_target) " +
        "IS DISTINCT FROM (excluded.kind, excluded.size, excluded.mtime_ticks, excluded.mode, excluded.hash, excluded.link_target)";

    private const string DeleteSql = "DELETE FROM item_index WHERE target = @target AND side = @side AND key = ANY(@keys)";

    /// <summary>
    /// Serializes writers of one (target, side) index until the transaction ends. The two-int
    /// advisory lock form keeps these keys apart from the one-bigint migration lock.
    /// </summary>
    private const string LockSql = "SELECT pg_advisory_xact_lock(1936289136, hashtext(@target || '/' || @side))";

    /// <summary>Applies <paramref name="upserts"/> (sorted by key) then <paramref name="deletes"/> inside <paramref name="transaction"/>.</summary>
    public static async Task WriteAsync(
        NpgsqlTransaction transaction, string target, string side, IReadOnlyList<Item> upserts, IReadOnlyCollection<string> deletes, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using (var lockCommand = new NpgsqlCommand(LockSql, connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("target", target);
            lockCommand.Parameters.AddWithValue("side", side);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        // ON CONFLICT cannot touch one row twice in a statement: the last upsert of a key wins,
        // as it would applied one by one. The caller sorted by key, so duplicates are neighbours.
        var unique = new List<Item>(upserts.Count);
        foreach (var item in upserts)
        {
            if (unique.Count > 0 && string.Equals(unique[^1].Key, item.Key, StringComparison.Ordinal))
            {
                unique[^1] = item;
            }
            else
            {
                unique.Add(item);
            }
        }

        for (var start = 0; start < unique.Count; start += ChunkSize)
        {
            await UpsertChunkAsync(connection, transaction, target, side, unique, start, Math.Min(ChunkSize, unique.Count - start), cancellationToken);
        }

        if (deletes.Count > 0)
        {
            await using var delete = new NpgsqlCommand(DeleteSql, connection, transaction);
            delete.Parameters.AddWithValue("target", target);
            delete.Parameters.AddWithValue("side", side);
            delete.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. deletes] });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task UpsertChunkAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string target, string side, List<Item> items, int start, int count, CancellationToken cancellationToken)
    {
        var keys = new string[count];
        var kinds = new string[count];
        var sizes = new long[count];
        var mtimes = new long[count];
        var modes = new int[count];
        var hashes = new string?[count];
        var links = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var item = items[start + i];
            keys[i] = item.Key;
            kinds[i] = StoreText.From(item.Kind);
            sizes[i] = item.Size;
            mtimes[i] = item.MtimeTicks;
            modes[i] = item.Mode;
            hashes[i] = item.Hash;
            links[i] = item.LinkTarget;
        }

        await using var upsert = new NpgsqlCommand(UpsertSql, connection, transaction);
        upsert.Parameters.AddWithValue("target", target);
        upsert.Parameters.AddWithValue("side", side);
        upsert.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys });
        upsert.Parameters.Add(new NpgsqlParameter<string[]>("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = kinds });
        upsert.Parameters.Add(new NpgsqlParameter<long[]>("sizes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = sizes });
        upsert.Parameters.Add(new NpgsqlParameter<long[]>("mtimes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = mtimes });
        upsert.Parameters.Add(new NpgsqlParameter<int[]>("modes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = modes });
        upsert.Parameters.Add(new NpgsqlParameter<string?[]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = hashes });
        upsert.Parameters.Add(new NpgsqlParameter<string?[]>("links", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = links });
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }
}
