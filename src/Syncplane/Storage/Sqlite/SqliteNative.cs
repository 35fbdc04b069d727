using System.Runtime.InteropServices;
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
        var rc = sqlite3_step(statement.DangerousGetHandle());
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>Moves to a statement's next row: true when there is one; false at the end (reset it before its next execution).</summary>
    public static bool Row(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = sqlite3_step(statement.DangerousGetHandle());
        if (rc is raw.SQLITE_ROW or raw.SQLITE_DONE)
        {
            return rc == raw.SQLITE_ROW;
        }

        raw.sqlite3_reset(statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        return false;
    }

    /// <summary>A column of the current row as SQLite holds it: a long, double, string, byte array or null.</summary>
    public static object? Column(sqlite3_stmt statement, int index)
    {
        var handle = statement.DangerousGetHandle();
        switch (sqlite3_column_type(handle, index))
        {
            case raw.SQLITE_INTEGER:
                return sqlite3_column_int64(handle, index);
            case raw.SQLITE_FLOAT:
                return sqlite3_column_double(handle, index);
            case raw.SQLITE_TEXT:
                var text = sqlite3_column_text(handle, index); // before its length: asking for the text may convert the value
                return Marshal.PtrToStringUTF8(text, sqlite3_column_bytes(handle, index));
            case raw.SQLITE_BLOB:
                var blob = sqlite3_column_blob(handle, index);
                var bytes = new byte[sqlite3_column_bytes(handle, index)];
                if (bytes.Length > 0)
                {
                    Marshal.Copy(blob, bytes, 0, bytes.Length);
                }

                return bytes;
            default:
                return null;
        }
    }

    /// <summary>An integer column of the current row; null when it is NULL.</summary>
    public static long? Int64OrNull(sqlite3_stmt statement, int index)
    {
        var handle = statement.DangerousGetHandle();
        return sqlite3_column_type(handle, index) == raw.SQLITE_NULL ? null : sqlite3_column_int64(handle, index);
    }

    public static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    // Steps and row reads are called directly on the statement's handle, not through SQLitePCL's provider: a scan of
    // 1,000,000 keys makes five calls a row, and each went through an interface, a marshalling stub and the SafeHandle's
    // reference count (2–3% of a 1%-changed sql re-sync's time, docs/benchmarks.md "tiering"). The statements stay owned
    // (and disposed) by their SafeHandles; a connection's statements are used by one thread at a time, so the column reads
    // (which never block) skip the GC transition. DllImport rather than LibraryImport: the signatures need no marshalling
    // code, and LibraryImport would make the whole library compile with AllowUnsafeBlocks.
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("e_sqlite3")]
    private static extern int sqlite3_step(IntPtr statement);

    [DllImport("e_sqlite3")]
    [SuppressGCTransition]
    private static extern int sqlite3_column_type(IntPtr statement, int index);

    [DllImport("e_sqlite3")]
    [SuppressGCTransition]
    private static extern long sqlite3_column_int64(IntPtr statement, int index);

    [DllImport("e_sqlite3")]
    [SuppressGCTransition]
    private static extern double sqlite3_column_double(IntPtr statement, int index);

    [DllImport("e_sqlite3")]
    [SuppressGCTransition]
    private static extern IntPtr sqlite3_column_text(IntPtr statement, int index);

    [DllImport("e_sqlite3")]
    [SuppressGCTransition]
    private static extern IntPtr sqlite3_column_blob(IntPtr statement, int index);

    [DllImport("e_sqlite3")]
    [SuppressGCTransition]
    private static extern int sqlite3_column_bytes(IntPtr statement, int index);
#pragma warning restore SYSLIB1054, CA5392
}
