namespace Syncplane.Storage.Sqlite;

/// <summary>
/// Every schema change of the SQLite store, in order. Append new migrations; never edit an applied one.
/// </summary>
/// <remarks>
/// Timestamps are TEXT in one fixed-width UTC form (<c>2026-03-29T01:00:00.0000000Z</c>), so that
/// text order is time order and the file reads well in the sqlite3 shell. Booleans are 0/1.
/// </remarks>
internal static class SqliteMigrations
{
    /// <summary>Which migrations ran, and when; created before any migration runs.</summary>
    public const string MigrationTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "runs, run logs and the item index", """
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                target TEXT NOT NULL,
                trigger TEXT NOT NULL,
                direction TEXT NOT NULL,
                dry_run INTEGER NOT NULL,
                attempt INTEGER NOT NULL DEFAULT 1,
                status TEXT NOT NULL,
                queued_at TEXT NOT NULL,
                started_at TEXT,
                finished_at TEXT,
                message TEXT,
                creates INTEGER,
                updates INTEGER,
                deletes INTEGER,
                unchanged INTEGER,
                bytes INTEGER,
                source_revision TEXT,
                verification_passed INTEGER,
                outputs_created TEXT NOT NULL DEFAULT '[]',
                commit_sha TEXT
            );
            CREATE INDEX runs_by_target ON runs (target, id);
            -- The durable queue (next) claims the oldest queued run and looks for runs still running.
            CREATE INDEX runs_by_status ON runs (status, queued_at);
            CREATE INDEX runs_by_queued_at ON runs (queued_at);

            CREATE TABLE run_logs (
                run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                at TEXT NOT NULL,
                level TEXT NOT NULL,
                message TEXT NOT NULL,
                PRIMARY KEY (run_id, seq)
            ) WITHOUT ROWID;

            CREATE TABLE item_index (
                target TEXT NOT NULL,
                side TEXT NOT NULL,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                size INTEGER NOT NULL,
                mtime_ticks INTEGER NOT NULL,
                mode INTEGER NOT NULL,
                hash TEXT,
                link_target TEXT,
                PRIMARY KEY (target, side, key)
            ) WITHOUT ROWID;
            """),
    ];
}
