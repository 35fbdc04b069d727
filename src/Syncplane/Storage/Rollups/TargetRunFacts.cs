namespace Syncplane.Storage.Rollups;

/// <summary>
/// Per target, what <c>/metrics</c> and alert rules read about its latest runs (SQLite migration 16, PostgreSQL 17): the
/// last success, the failed runs that finished after it, and the latest finished real run, kept in <c>target_run_facts</c>
/// by the same fold that adds pending runs to the rollups (<see cref="RollupFolding"/>), in its transaction. A snapshot of
/// 1,000 targets then reads 1,000 small rows instead of seeking into the history of each.
/// </summary>
/// <remarks>
/// A fold counts the failures of its chunk that finished after the target's last success. When the chunk holds a newer
/// success and a failure counted before finished after it (runs folded out of finish order), the count is taken again
/// from the runs, less those still pending, so it stays what the folded history gives. Failures are counted as runs
/// finish: pruning old runs does not lower the count.
/// </remarks>
internal static class TargetRunFacts
{
    private const string Columns = "target, success_at, failures, last_failure_at, latest_queued_at, latest_started_at, latest_finished_at";

    private static string Table(string text, string integer, string time) => $"""
        -- Per target: success_at, the last success (as in its 'total' rollup); failures, failed runs finished after it;
        -- last_failure_at, the latest failure's finish; latest_*: the latest finished real (not dry) run.
        CREATE TABLE target_run_facts (
            target {text} PRIMARY KEY,
            success_at {time},
            failures {integer} NOT NULL,
            last_failure_at {time},
            latest_queued_at {time},
            latest_started_at {time},
            latest_finished_at {time}
        )
        """;

    // The later of two nullable times (MAX of a null is null on SQLite; GREATEST is not on it).
    private static string Later(string a, string b) => $"CASE WHEN {b} IS NULL OR {a} > {b} THEN {a} ELSE {b} END";

    /// <summary>
    /// CTEs then the upsert that add the pending rows of <paramref name="chunk"/> to <c>target_run_facts</c>; read in one
    /// snapshot where the chunk's rows are still in <c>run_rollup_pending</c> (before their delete, or in the statement that deletes them).
    /// </summary>
    private static string Fold(string chunk, string never) => $"""
        facts_chunk AS (
            SELECT c.target, c.status, c.finished_at, f.success_at AS old_s,
                MAX(c.last_success_at) OVER (PARTITION BY c.target) AS cs,
                FIRST_VALUE(CASE WHEN NOT c.dry_run THEN 1 ELSE 0 END) OVER latest AS lr, FIRST_VALUE(c.finished_at) OVER latest AS lf,
                FIRST_VALUE(c.queued_at) OVER latest AS lq, FIRST_VALUE(c.started_at) OVER latest AS ls
            FROM {chunk} c LEFT JOIN target_run_facts f ON f.target = c.target
            WHERE c.finished_at IS NOT NULL
            WINDOW latest AS (PARTITION BY c.target ORDER BY CASE WHEN NOT c.dry_run THEN 0 ELSE 1 END, c.finished_at DESC)),
        facts_sum AS (
            SELECT x.target, MAX(x.old_s) AS old_s, MAX(x.s) AS s,
                SUM(CASE WHEN x.status = 'failed' AND x.finished_at > COALESCE(x.s, {never}) THEN 1 ELSE 0 END) AS n_after,
                MAX(CASE WHEN x.status = 'failed' THEN x.finished_at END) AS cf,
                MAX(CASE WHEN x.lr = 1 THEN x.lf END) AS lf, MAX(CASE WHEN x.lr = 1 THEN x.lq END) AS lq, MAX(CASE WHEN x.lr = 1 THEN x.ls END) AS ls
            FROM (SELECT y.*, {Later("y.cs", "y.old_s")} AS s FROM facts_chunk y) x
            GROUP BY x.target)
        INSERT INTO target_run_facts ({Columns})
            SELECT g.target, g.s,
                CASE WHEN g.s IS NULL OR g.s = g.old_s THEN COALESCE(f.failures, 0) + g.n_after
                    WHEN f.last_failure_at IS NULL OR f.last_failure_at <= g.s THEN g.n_after
                    ELSE g.n_after + (SELECT COUNT(*) FROM runs r WHERE r.target = g.target AND r.status = 'failed' AND r.finished_at > g.s)
                        - (SELECT COUNT(*) FROM run_rollup_pending p WHERE p.target = g.target AND p.status = 'failed' AND p.finished_at > g.s) END,
                {Later("g.cf", "f.last_failure_at")},
                CASE WHEN g.lf IS NOT NULL AND (f.latest_finished_at IS NULL OR g.lf > f.latest_finished_at) THEN g.lq ELSE f.latest_queued_at END,
                CASE WHEN g.lf IS NOT NULL AND (f.latest_finished_at IS NULL OR g.lf > f.latest_finished_at) THEN g.ls ELSE f.latest_started_at END,
                {Later("g.lf", "f.latest_finished_at")}
            FROM facts_sum g LEFT JOIN target_run_facts f ON f.target = g.target WHERE true
            ON CONFLICT (target) DO UPDATE SET success_at = excluded.success_at, failures = excluded.failures, last_failure_at = excluded.last_failure_at,
                latest_queued_at = excluded.latest_queued_at, latest_started_at = excluded.latest_started_at, latest_finished_at = excluded.latest_finished_at
        """;

    /// <summary>
    /// The facts of the runs already stored, as folded so far: failed runs after the 'total' row's last success less those
    /// still pending (their fold adds them), and the latest finished real run of all (a pending run's fold leaves it as it is).
    /// </summary>
    private static string Backfill(string never, string totalStart) => $"""
        INSERT INTO target_run_facts ({Columns})
            SELECT s.target, t.last_success_at,
                (SELECT COUNT(*) FROM runs r WHERE r.target = s.target AND r.status = 'failed' AND r.finished_at > COALESCE(t.last_success_at, {never}))
                    - COALESCE(p.failures, 0),
                (SELECT MAX(r.finished_at) FROM runs r WHERE r.target = s.target AND r.status = 'failed'),
                l.queued_at, l.started_at, l.finished_at
            FROM (SELECT target FROM run_rollups WHERE period = 'total' UNION SELECT target FROM run_rollup_pending) s
            LEFT JOIN run_rollups t ON t.period = 'total' AND t.period_start = {totalStart} AND t.target = s.target
            LEFT JOIN (SELECT q.target, COUNT(*) AS failures FROM run_rollup_pending q
                LEFT JOIN run_rollups u ON u.period = 'total' AND u.period_start = {totalStart} AND u.target = q.target
                WHERE q.status = 'failed' AND q.finished_at > COALESCE(u.last_success_at, {never}) GROUP BY q.target) p ON p.target = s.target
            LEFT JOIN runs l ON l.id = (SELECT x.id FROM runs x WHERE x.target = s.target AND x.finished_at IS NOT NULL AND NOT x.dry_run
                ORDER BY x.finished_at DESC LIMIT 1);
        """;

    private const string SqliteNever = "'1970-01-01T00:00:00.0000000Z'";

    /// <summary>SQLite's fold of the pending rows up to rowid <c>@last</c>, run in the fold's write transaction before it deletes them.</summary>
    public static string SqliteFold { get; } = "WITH " + Fold("(SELECT * FROM run_rollup_pending WHERE rowid <= @last)", SqliteNever) + ";";

    /// <summary>PostgreSQL's fold, as CTEs to follow the fold function's <c>folded</c> (the deleted chunk) and its upserts.</summary>
    public static string PostgresFoldCtes { get; } = "facts_added AS (WITH " + Fold("folded", RollupSchema.PostgresTotalStart) + ")";

    /// <summary>SQLite migration 16: pending runs carry when they were queued and started and whether they were dry; the facts table, backfilled.</summary>
    public static string SqliteMigration { get; } = $"""
        ALTER TABLE run_rollup_pending ADD COLUMN queued_at TEXT;
        ALTER TABLE run_rollup_pending ADD COLUMN started_at TEXT;
        ALTER TABLE run_rollup_pending ADD COLUMN dry_run INTEGER;
        DROP TRIGGER runs_rollup;
        CREATE TRIGGER runs_rollup AFTER UPDATE OF status ON runs
        WHEN NEW.status IN {RollupSchema.Endings} AND OLD.status IN ('queued', 'running')
        BEGIN
            INSERT INTO run_rollup_pending ({RollupFolding.PendingColumns}, queued_at, started_at, dry_run)
                VALUES ({RollupFolding.SqlitePendingValues}, NEW.queued_at, NEW.started_at, NEW.dry_run);
        END;
        {Table("TEXT", "INTEGER", "TEXT")} WITHOUT ROWID;
        {Backfill(SqliteNever, $"'{RollupSchema.SqliteTotalStart}'")}
        """;

    /// <summary>PostgreSQL migration 17: as SQLite's 16, and the fold function folds the facts in the statement that folds the rollups.</summary>
    public static string PostgresMigration { get; } = $"""
        ALTER TABLE run_rollup_pending ADD COLUMN queued_at timestamptz;
        ALTER TABLE run_rollup_pending ADD COLUMN started_at timestamptz;
        ALTER TABLE run_rollup_pending ADD COLUMN dry_run boolean;
        CREATE OR REPLACE FUNCTION syncplane_pend_run_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO run_rollup_pending ({RollupFolding.PendingColumns}, queued_at, started_at, dry_run)
                VALUES ({RollupFolding.PostgresPendingValues}, NEW.queued_at, NEW.started_at, NEW.dry_run);
            RETURN NULL;
        END $$;
        {Table("text", "bigint", "timestamptz")};
        {Backfill(RollupSchema.PostgresTotalStart, RollupSchema.PostgresTotalStart)}
        {RollupFolding.PostgresFoldFunction(PostgresFoldCtes)}
        """;
}
