using Microsoft.Data.Sqlite;

namespace Syncplane.Storage.Sqlite;

/// <summary>Copies a SQLite store, live, into a new file with SQLite's online backup API.</summary>
/// <remarks>
/// The copy is one read transaction on the source: in WAL mode it holds every commit made before it began and
/// none after, and it blocks no writer, so <c>serve</c>, workers and runs go on meanwhile. It is written to a
/// temporary file beside the destination, switched to a rollback journal (one self-contained file, no
/// <c>-wal</c>), readable by its owner only, checked with <c>PRAGMA quick_check</c>, and only then given the destination's
/// name; a file already at that name is never replaced. The source is opened without create: a missing store stays missing.
/// </remarks>
internal static class SqliteBackup
{
    /// <summary>Copies <paramref name="databasePath"/> to <paramref name="destination"/> (a new file); returns its size in bytes.</summary>
    /// <exception cref="IOException">The destination exists, or the copy failed its check.</exception>
    /// <exception cref="SqliteException">SQLite could not read the source or write the copy.</exception>
    public static long Copy(string databasePath, string destination)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():n}.partial");
        try
        {
            // Runs, logs and token hashes: readable by the store's owner only from the first byte on (an empty file
            // is an empty database to SQLite, and its journal takes the file's mode).
            using (File.Open(temporary, OwnerOnly()))
            {
            }

            using (var source = Open(databasePath, SqliteOpenMode.ReadWrite))
            using (var copy = Open(temporary, SqliteOpenMode.ReadWriteCreate))
            {
                source.BackupDatabase(copy);
                Execute(copy, "PRAGMA journal_mode = DELETE");
                if (Execute(copy, "PRAGMA quick_check") is not "ok" and var problem)
                {
                    throw new IOException($"the copy failed SQLite's quick_check: {problem}");
                }
            }

            File.Move(temporary, destination, overwrite: false);
            return new FileInfo(destination).Length;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static FileStreamOptions OwnerOnly()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false, // the temporary file is renamed, and the source left alone, as soon as the copy is done
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static string? Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }
}
