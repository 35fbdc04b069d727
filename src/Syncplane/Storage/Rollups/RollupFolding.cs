namespace Syncplane.Storage.Rollups;

/// <summary>
/// Run rollups by folding (SQLite migration 15, PostgreSQL 16): the trigger on the update that ends a run appends
/// one narrow row to <c>run_rollup_pending</c> (a table without indexes), and a fold adds every pending row to the
/// hour, day and total rollups and their histogram buckets in one set-based statement, then deletes them, at most
/// <see cref="ChunkSize"/> rows per transaction.
/// </summary>
/// <remarks>
/// Completing a run then writes one heap row instead of upserting seven indexed ones. Readers of rollups fold
/// first, so their answers stay exact and current; each node also folds every few seconds (<see cref="RollupFolder"/>)
/// so the pending rows stay few. A fold is one transaction: pending rows leave only as they are counted, and a fold
/// that dies on the way counts nothing. On PostgreSQL folds run one at a time under an advisory lock; on SQLite
/// under the write lock.
/// </remarks>
internal static class RollupFolding
{
    internal const string PendingColumns = "target, finished_at, status, changed, items, d, l, last_success_at";

    // What one finished run (the trigger's NEW row) leaves pending; ms(from, to) is the dialect's milliseconds between two times.
    private static string PendingValues(Func<string, string, string> ms) =>
        "NEW.target, NEW.finished_at, NEW.status, " +
        "CASE WHEN NEW.status = 'succeeded' AND NOT NEW.dry_run AND (COALESCE(NEW.creates, 0) + COALESCE(NEW.updates, 0) + COALESCE(NEW.deletes, 0) > 0 " +
        "OR NEW.outputs_created <> '[]') THEN 1 ELSE 0 END, " +
        "CASE WHEN NEW.status = 'succeeded' AND NOT NEW.dry_run THEN COALESCE(NEW.creates, 0) + COALESCE(NEW.updates, 0) + COALESCE(NEW.deletes, 0) ELSE 0 END, " +
        $"CASE WHEN NEW.started_at IS NULL THEN NULL ELSE {ms("NEW.started_at", "NEW.finished_at")} END, " +
        $"CASE WHEN NEW.started_at IS NULL THEN NULL ELSE {ms("NEW.queued_at", "NEW.finished_at")} END, " +
        "CASE WHEN NEW.status = 'succeeded' AND NOT NEW.dry_run THEN NEW.finished_at END";

    private static string PendingTable(string text, string integer, string time) => $"""
        -- Finished runs not yet added to run_rollups and rollup_buckets: one row each, appended by the runs_rollup
        -- trigger and deleted by the fold that counts it (RollupFolding). d and l: duration and latency in ms.
        CREATE TABLE run_rollup_pending (
            target {text} NOT NULL,
            finished_at {time},
            status {text} NOT NULL,
            changed {integer} NOT NULL,
            items {integer} NOT NULL,
            d {integer},
            l {integer},
            last_success_at {time}
        );
        """;

    /// <summary>Adds the pending rows of <paramref name="source"/> to the rollups; <paramref name="start"/> maps (period, time) to the period's start.</summary>
    private static string Fold(string source, Func<string, string, string> start, string max, string latest) => $"""
        INSERT INTO run_rollups ({RollupSchema.RunRollupColumns})
            SELECT x.target, p.period, {start("p.period", "x.finished_at")}, COUNT(*), SUM(CASE WHEN x.status = 'succeeded' THEN 1 ELSE 0 END),
                SUM(CASE WHEN x.status = 'failed' THEN 1 ELSE 0 END), SUM(CASE WHEN x.status = 'refused' THEN 1 ELSE 0 END),
                SUM(CASE WHEN x.status = 'cancelled' THEN 1 ELSE 0 END), SUM(x.changed), SUM(x.items),
                COUNT(x.d), COALESCE(SUM(x.d), 0), COALESCE(MAX(x.d), 0), COUNT(x.l), COALESCE(SUM(x.l), 0), COALESCE(MAX(x.l), 0), MAX(x.last_success_at)
            FROM {source} x CROSS JOIN (SELECT 'hour' AS period UNION ALL SELECT 'day' UNION ALL SELECT 'total') p
            WHERE x.finished_at IS NOT NULL GROUP BY 1, 2, 3
            ON CONFLICT (target, period, period_start) DO UPDATE SET {RollupSchema.RunRollupIncrements("run_rollups", max, latest)}
        """;

    private static string FoldBuckets(string source, Func<string, string, string> start) => $"""
        INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
            SELECT m.kind, m.target, p.period, {start("p.period", "m.finished_at")}, {RollupHistogram.BucketSql("m.ms")}, COUNT(*)
            FROM (SELECT 'run_duration' AS kind, target, finished_at, d AS ms FROM {source} WHERE d IS NOT NULL
                  UNION ALL SELECT 'run_latency', target, finished_at, l FROM {source} WHERE l IS NOT NULL) m
            CROSS JOIN (SELECT 'hour' AS period UNION ALL SELECT 'day') p
            WHERE m.finished_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5
            ON CONFLICT (kind, subject, period, period_start, bucket) DO UPDATE SET count = rollup_buckets.count + excluded.count
        """;

    private static string SqliteStart(string period, string at) =>
        $"CASE {period} WHEN 'hour' THEN substr({at}, 1, 13) || ':00:00.0000000Z' WHEN 'day' THEN substr({at}, 1, 10) || 'T00:00:00.0000000Z' " +
        $"ELSE '{RollupSchema.SqliteTotalStart}' END";

    private static string PostgresStart(string period, string at) =>
        $"CASE {period} WHEN 'hour' THEN date_trunc('hour', {at}, 'UTC') WHEN 'day' THEN date_trunc('day', {at}, 'UTC') ELSE {RollupSchema.PostgresTotalStart} END";

    private const string SqliteLatest =
        "CASE WHEN excluded.last_success_at IS NULL OR run_rollups.last_success_at > excluded.last_success_at THEN run_rollups.last_success_at ELSE excluded.last_success_at END";

    /// <summary>SQLite migration 15: the pending table and the trigger that fills it, in place of migration 9's upserting trigger.</summary>
    public static string SqliteMigration
    {
        get
        {
            return PendingTable("TEXT", "INTEGER", "TEXT") + $"""
                DROP TRIGGER runs_rollup;
                CREATE TRIGGER runs_rollup AFTER UPDATE OF status ON runs
                WHEN NEW.status IN {RollupSchema.Endings} AND OLD.status IN ('queued', 'running')
                BEGIN
                    INSERT INTO run_rollup_pending ({PendingColumns}) VALUES ({SqlitePendingValues});
                END;
                """;
        }
    }

    /// <summary>How many pending runs one fold counts at most, so that a backlog (runs finished while no node folded) is
    /// folded in short transactions that each commit, never in one that outlasts the command timeout and starts over.</summary>
    public const int ChunkSize = 20_000;

    /// <summary>
    /// SQLite's fold of the oldest <see cref="ChunkSize"/> pending rows (up to rowid <c>@last</c>), run inside a write
    /// transaction (which keeps out other folds and new pending rows); the caller then deletes the same rows.
    /// </summary>
    public static string SqliteFold { get; } =
        Fold(SqliteChunk, SqliteStart, "MAX", SqliteLatest) + ";\n" + FoldBuckets(SqliteChunk, SqliteStart) + ";";

    private const string SqliteChunk = "(SELECT * FROM run_rollup_pending WHERE rowid <= @last)";

    /// <summary>
    /// PostgreSQL migration 16: the pending table, its trigger, and <c>syncplane_fold_run_rollups(max_rows)</c>, which folds
    /// at most <c>max_rows</c> pending rows in one statement (deleted and counted together) under a transaction-scoped
    /// advisory lock, and returns how many.
    /// </summary>
    public static string PostgresMigration
    {
        get
        {
            // seq and its index: whether anything is pending, and the oldest chunk, are read through the index, never by a
            // scan of the heap, which a large fold leaves as thousands of empty pages until a vacuum truncates it.
            return PendingTable("text", "bigint", "timestamptz") + $"""
                ALTER TABLE run_rollup_pending ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
                CREATE INDEX run_rollup_pending_by_seq ON run_rollup_pending (seq);
                DROP TRIGGER runs_rollup ON runs;
                DROP FUNCTION syncplane_rollup_run();
                CREATE FUNCTION syncplane_pend_run_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO run_rollup_pending ({PendingColumns}) VALUES ({PostgresPendingValues});
                    RETURN NULL;
                END $$;
                CREATE TRIGGER runs_rollup AFTER UPDATE OF status ON runs
                    FOR EACH ROW WHEN (NEW.status IN {RollupSchema.Endings} AND OLD.status IN ('queued', 'running')) EXECUTE FUNCTION syncplane_pend_run_rollup();

                {PostgresFoldFunction("")}
                """;
        }
    }

    /// <summary>
    /// <c>syncplane_fold_run_rollups(max_rows)</c>: folds at most <c>max_rows</c> pending rows in one statement (deleted and
    /// counted together) under a transaction-scoped advisory lock, and returns how many; <paramref name="extraCtes"/> are
    /// more CTEs of that statement, which read the deleted chunk as <c>folded</c> (migration 17's target facts).
    /// </summary>
    internal static string PostgresFoldFunction(string extraCtes) => $"""
    CREATE OR REPLACE FUNCTION syncplane_fold_run_rollups(max_rows integer) RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE
        folded_count bigint;
    BEGIN
        IF (SELECT seq FROM run_rollup_pending ORDER BY seq LIMIT 1) IS NULL THEN
            RETURN 0;
        END IF;
        -- One fold at a time: two at once would each upsert the same rollup rows, in orders that can deadlock.
        PERFORM pg_advisory_xact_lock(1919710318, 0);
        WITH folded AS (DELETE FROM run_rollup_pending WHERE ctid = ANY (ARRAY(SELECT ctid FROM run_rollup_pending ORDER BY seq LIMIT max_rows)) RETURNING *),
        runs_added AS ({Fold("folded", PostgresStart, "GREATEST", "GREATEST(run_rollups.last_success_at, excluded.last_success_at)")}),
        buckets_added AS ({FoldBuckets("folded", PostgresStart)}){(extraCtes.Length == 0 ? "" : ",\n" + extraCtes)}
        SELECT count(*) INTO folded_count FROM folded;
        RETURN folded_count;
    END $$;
    """;

    private static string SqliteMs(string from, string to) => $"MAX(0, CAST(ROUND((julianday({to}) - julianday({from})) * 86400000.0) AS INTEGER))";

    private static string PostgresMs(string from, string to) => $"GREATEST(0, round(EXTRACT(EPOCH FROM ({to} - {from})) * 1000))::bigint";

    /// <summary>The values of <see cref="PendingColumns"/> for the trigger's NEW row, per dialect.</summary>
    internal static string SqlitePendingValues => PendingValues(SqliteMs);

    internal static string PostgresPendingValues => PendingValues(PostgresMs);
}
