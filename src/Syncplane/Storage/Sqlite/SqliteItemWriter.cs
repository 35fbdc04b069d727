using Microsoft.Data.Sqlite;
using SQLitePCL;
using Syncplane.Planning;

namespace Syncplane.Storage.Sqlite;

/// <summary>
/// Writes item index rows through the native statement API inside an open Microsoft.Data.Sqlite
/// transaction: positional binding on one prepared statement, no per-row reader or name lookups.
/// </summary>
/// <remarks>
/// Measured on 100,000 upserts in one transaction: about 250 ms of CPU against about 450 ms for a
/// reused prepared <see cref="SqliteCommand"/> (and 330 ms against 900 ms on a cold process), which
/// matters because a re-sync of a large tree rewrites much of its index.
/// </remarks>
internal static class SqliteItemWriter
{
    public static void Upsert(SqliteConnection connection, string sql, string target, string side, IReadOnlyList<Item> items, CancellationToken cancellationToken)
    {
        var db = connection.Handle!;
        using var statement = SqliteNative.Prepare(db, sql);
        SqliteNative.Check(db, raw.sqlite3_bind_text(statement, 1, target));
        SqliteNative.Check(db, raw.sqlite3_bind_text(statement, 2, side));
        for (var i = 0; i < items.Count; i++)
        {
            if ((i & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var item = items[i];
            SqliteNative.Check(db, raw.sqlite3_bind_text(statement, 3, item.Key));
            SqliteNative.Check(db, raw.sqlite3_bind_text(statement, 4, StoreText.From(item.Kind)));
            SqliteNative.Check(db, raw.sqlite3_bind_int64(statement, 5, item.Size));
            SqliteNative.Check(db, raw.sqlite3_bind_int64(statement, 6, item.MtimeTicks));
            SqliteNative.Check(db, raw.sqlite3_bind_int(statement, 7, item.Mode));
            SqliteNative.Check(db, item.Hash is null ? raw.sqlite3_bind_null(statement, 8) : raw.sqlite3_bind_text(statement, 8, item.Hash));
            SqliteNative.Check(db, item.LinkTarget is null ? raw.sqlite3_bind_null(statement, 9) : raw.sqlite3_bind_text(statement, 9, item.LinkTarget));
            SqliteNative.Step(db, statement);
        }
    }

    public static void Delete(SqliteConnection connection, string sql, string target, string side, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var db = connection.Handle!;
        using var statement = SqliteNative.Prepare(db, sql);
        SqliteNative.Check(db, raw.sqlite3_bind_text(statement, 1, target));
        SqliteNative.Check(db, raw.sqlite3_bind_text(statement, 2, side));
        var count = 0;
        foreach (var key in keys)
        {
            if ((count++ & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            SqliteNative.Check(db, raw.sqlite3_bind_text(statement, 3, key));
            SqliteNative.Step(db, statement);
        }
    }
}
