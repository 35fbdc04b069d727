using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Syncplane.Storage.Sqlite;

/// <summary>
/// SQLite's native statement API on a Microsoft.Data.Sqlite connection (inside its open transaction), for the bulk paths:
/// a statement prepared once and bound by position, with no per-execution command, reader, name lookup or boxing of
/// what it reads. Failures raise the <see cref="SqliteException"/> Microsoft.Data.Sqlite would.
/// </summary>
internal static class SqliteNative
{
    public static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        return statement;
    }

    /// <summary>Runs a statement that returns no rows, and resets it for its next execution.</summary>
    public static void Step(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>Moves to a statement's next row: true when there is one; false at the end (reset it before its next execution).</summary>
    public static bool Row(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc is raw.SQLITE_ROW or raw.SQLITE_DONE)
        {
            return rc == raw.SQLITE_ROW;
        }

        raw.sqlite3_reset(statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        return false;
    }

    public static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
