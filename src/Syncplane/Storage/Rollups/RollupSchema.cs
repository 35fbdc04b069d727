namespace Syncplane.Storage.Rollups;

/// <summary>
/// The rollup tables and the triggers that maintain them, per dialect (SQLite migration 9, PostgreSQL 10).
/// </summary>
/// <remarks>
/// A trigger adds each finished run (on the update that ends it) and each check result (on its insert) to the
/// hour and the day it finished in, as an upsert of increments: it commits with the statement that finished the
/// run, whatever code path or node ran it, and two nodes never overwrite each other's counts. Since SQLite migration 15
/// and PostgreSQL 16 the runs' trigger only leaves the run pending, and folds add it (<see cref="RollupFolding"/>); check
/// results still go in by their trigger.
/// </remarks>
internal static class RollupSchema
{
    /// <summary>The period_start of a target's all-time ('total') row.</summary>
    internal const string SqliteTotalStart = "1970-01-01T00:00:00.0000000Z";

    internal const string PostgresTotalStart = "TIMESTAMPTZ '1970-01-01 00:00:00+00'";

    /// <summary>The statuses that end a run.</summary>
    internal const string Endings = "('succeeded', 'failed', 'refused', 'cancelled')";

    // What one finished run adds to a run_rollups row, from the trigger's NEW row and p.d / p.l (its duration and latency in ms).
    internal const string RunRollupColumns =
        "target, period, period_start, attempts, successes, failures, refusals, cancellations, changed_runs, items_written, " +
        "duration_count, duration_sum_ms, duration_max_ms, latency_count, latency_sum_ms, latency_max_ms, last_success_at";

    // What one finished run (columns prefixed n) adds, with its duration and latency in ms (p.d and p.l) and period (p.period, p.start).
    private static string[] RunValues(string n, string p) =>
    [
        $"{n}target", $"{p}period", $"{p}start", "1",
        $"CASE WHEN {n}status = 'succeeded' THEN 1 ELSE 0 END", $"CASE WHEN {n}status = 'failed' THEN 1 ELSE 0 END",
        $"CASE WHEN {n}status = 'refused' THEN 1 ELSE 0 END", $"CASE WHEN {n}status = 'cancelled' THEN 1 ELSE 0 END",
        $"CASE WHEN {n}status = 'succeeded' AND NOT {n}dry_run AND (COALESCE({n}creates, 0) + COALESCE({n}updates, 0) + COALESCE({n}deletes, 0) > 0 " +
        $"OR {n}outputs_created <> '[]') THEN 1 ELSE 0 END",
        $"CASE WHEN {n}status = 'succeeded' AND NOT {n}dry_run THEN COALESCE({n}creates, 0) + COALESCE({n}updates, 0) + COALESCE({n}deletes, 0) ELSE 0 END",
        $"CASE WHEN {p}d IS NULL THEN 0 ELSE 1 END", $"COALESCE({p}d, 0)", $"COALESCE({p}d, 0)",
        $"CASE WHEN {p}l IS NULL THEN 0 ELSE 1 END", $"COALESCE({p}l, 0)", $"COALESCE({p}l, 0)",
        $"CASE WHEN {n}status = 'succeeded' AND NOT {n}dry_run THEN {n}finished_at END",
    ];

    private static readonly string RunRollupValues = string.Join(", ", RunValues("NEW.", "p."));

    // The same values summed over the history of runs (r: runs joined to their periods), for the backfill.
    private static string RunRollupAggregates() =>
        string.Join(", ", RunValues("r.", "r.").Select((v, i) => i < 3 ? v : i is 12 or 15 or 16 ? $"MAX({v})" : $"SUM({v})"));

    internal static string RunRollupIncrements(string table, string max, string latest) =>
        $"attempts = {table}.attempts + excluded.attempts, successes = {table}.successes + excluded.successes, " +
        $"failures = {table}.failures + excluded.failures, refusals = {table}.refusals + excluded.refusals, " +
        $"cancellations = {table}.cancellations + excluded.cancellations, changed_runs = {table}.changed_runs + excluded.changed_runs, " +
        $"items_written = {table}.items_written + excluded.items_written, duration_count = {table}.duration_count + excluded.duration_count, " +
        $"duration_sum_ms = {table}.duration_sum_ms + excluded.duration_sum_ms, duration_max_ms = {max}({table}.duration_max_ms, excluded.duration_max_ms), " +
        $"latency_count = {table}.latency_count + excluded.latency_count, latency_sum_ms = {table}.latency_sum_ms + excluded.latency_sum_ms, " +
        $"latency_max_ms = {max}({table}.latency_max_ms, excluded.latency_max_ms), last_success_at = {latest}";

    private const string CheckRollupColumns =
        "check_name, period, period_start, samples, healthy, degraded, down, unknown, latency_sum_ms, latency_max_ms, last_up_at";

    private static string[] CheckValues(string n, string p) =>
    [
        $"{n}name", $"{p}period", $"{p}start", "1", $"CASE WHEN {n}status = 'healthy' THEN 1 ELSE 0 END", $"CASE WHEN {n}status = 'degraded' THEN 1 ELSE 0 END",
        $"CASE WHEN {n}status = 'down' THEN 1 ELSE 0 END", $"CASE WHEN {n}status = 'unknown' THEN 1 ELSE 0 END",
        $"{n}latency_ms", $"{n}latency_ms", $"CASE WHEN {n}status IN ('healthy', 'degraded') THEN {n}checked_at END",
    ];

    private static readonly string CheckRollupValues = string.Join(", ", CheckValues("NEW.", "p."));

    private static string CheckRollupAggregates() =>
        string.Join(", ", CheckValues("r.", "r.").Select((v, i) => i < 3 ? v : i is 9 or 10 ? $"MAX({v})" : $"SUM({v})"));

    /// <summary>
    /// Rollups of the history already stored when the migration runs, so counters carry on from where they were.
    /// <paramref name="periods"/> gives the SQL of a table's rows joined to one period (hour or day) for a row alias, time column and extra columns.
    /// </summary>
    private static string Backfill(Func<string, string> hourOf, Func<string, string> dayOf, Func<string, string, string> ms, string totalStart)
    {
        string Periods(string table, string hour, string day, string extra, string where, bool total = false) =>
            $"(SELECT {table}.*, 'hour' AS period, {hour} AS start{extra} FROM {table}{where} UNION ALL SELECT {table}.*, 'day', {day}{extra} FROM {table}{where}" +
            (total ? $" UNION ALL SELECT {table}.*, 'total', {totalStart}{extra} FROM {table}{where}" : "") + ") r";
        var runExtra = $", CASE WHEN started_at IS NULL THEN NULL ELSE {ms("started_at", "finished_at")} END AS d, " +
                       $"CASE WHEN started_at IS NULL THEN NULL ELSE {ms("queued_at", "finished_at")} END AS l";
        var where = $" WHERE status IN {Endings} AND finished_at IS NOT NULL";
        var runs = Periods("runs", hourOf("finished_at"), dayOf("finished_at"), runExtra, where);
        var runTotals = Periods("runs", hourOf("finished_at"), dayOf("finished_at"), runExtra, where, total: true);
        var checks = Periods("check_results", hourOf("checked_at"), dayOf("checked_at"), "", "");
        return $"""
            INSERT INTO run_rollups ({RunRollupColumns}) SELECT {RunRollupAggregates()} FROM {runTotals} GROUP BY r.target, r.period, r.start;
            INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                SELECT 'run_duration', r.target, r.period, r.start, {RollupHistogram.BucketSql("r.d")}, COUNT(*) FROM {runs} WHERE r.d IS NOT NULL GROUP BY 2, 3, 4, 5;
            INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                SELECT 'run_latency', r.target, r.period, r.start, {RollupHistogram.BucketSql("r.l")}, COUNT(*) FROM {runs} WHERE r.l IS NOT NULL GROUP BY 2, 3, 4, 5;
            INSERT INTO check_rollups ({CheckRollupColumns}) SELECT {CheckRollupAggregates()} FROM {checks} GROUP BY r.name, r.period, r.start;
            INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                SELECT 'check_latency', r.name, r.period, r.start, {RollupHistogram.BucketSql("r.latency_ms")}, COUNT(*) FROM {checks} GROUP BY 2, 3, 4, 5;

            """;
    }

    private static string CheckRollupIncrements(string max, string latest) =>
        "samples = check_rollups.samples + 1, healthy = check_rollups.healthy + excluded.healthy, degraded = check_rollups.degraded + excluded.degraded, " +
        "down = check_rollups.down + excluded.down, unknown = check_rollups.unknown + excluded.unknown, " +
        $"latency_sum_ms = check_rollups.latency_sum_ms + excluded.latency_sum_ms, latency_max_ms = {max}(check_rollups.latency_max_ms, excluded.latency_max_ms), " +
        $"last_up_at = {latest}";

    private const string BucketUpsert = "ON CONFLICT (kind, subject, period, period_start, bucket) DO UPDATE SET count = rollup_buckets.count + 1";

    private static string Tables(string text, string integer, string time, string withoutRowId) => $"""
        -- Finished runs per target, per hour and per day (period 'hour' or 'day', period_start its first instant in UTC),
        -- and of all time (period 'total', period_start 1970-01-01): what /metrics counts.
        CREATE TABLE run_rollups (
            target {text} NOT NULL,
            period {text} NOT NULL,
            period_start {time} NOT NULL,
            attempts {integer} NOT NULL,
            successes {integer} NOT NULL,
            failures {integer} NOT NULL,
            refusals {integer} NOT NULL,
            cancellations {integer} NOT NULL,
            changed_runs {integer} NOT NULL,
            items_written {integer} NOT NULL,
            duration_count {integer} NOT NULL,
            duration_sum_ms {integer} NOT NULL,
            duration_max_ms {integer} NOT NULL,
            latency_count {integer} NOT NULL,
            latency_sum_ms {integer} NOT NULL,
            latency_max_ms {integer} NOT NULL,
            last_success_at {time},
            PRIMARY KEY (period, period_start, target)
        ){withoutRowId};
        CREATE INDEX run_rollups_by_target ON run_rollups (target, period, period_start);

        -- Check results per check, per hour and per day.
        CREATE TABLE check_rollups (
            check_name {text} NOT NULL,
            period {text} NOT NULL,
            period_start {time} NOT NULL,
            samples {integer} NOT NULL,
            healthy {integer} NOT NULL,
            degraded {integer} NOT NULL,
            down {integer} NOT NULL,
            unknown {integer} NOT NULL,
            latency_sum_ms {integer} NOT NULL,
            latency_max_ms {integer} NOT NULL,
            last_up_at {time},
            PRIMARY KEY (check_name, period, period_start)
        ){withoutRowId};

        -- Histogram buckets (RollupHistogram) of run durations ('run_duration'), trigger-to-finish latencies
        -- ('run_latency') and check latencies ('check_latency') per target or check (subject) and period.
        CREATE TABLE rollup_buckets (
            kind {text} NOT NULL,
            subject {text} NOT NULL,
            period {text} NOT NULL,
            period_start {time} NOT NULL,
            bucket {integer} NOT NULL,
            count {integer} NOT NULL,
            PRIMARY KEY (kind, subject, period, period_start, bucket)
        ){withoutRowId};

        """;

    /// <summary>SQLite: text times cut to the hour and day; MAX of two values; the later of two nullable times by CASE (MAX of a null is null).</summary>
    public static string Sqlite
    {
        get
        {
            static string HourOf(string at) => $"substr({at}, 1, 13) || ':00:00.0000000Z'";
            static string DayOf(string at) => $"substr({at}, 1, 10) || 'T00:00:00.0000000Z'";
            static string Ms(string from, string to) => $"MAX(0, CAST(ROUND((julianday({to}) - julianday({from})) * 86400000.0) AS INTEGER))";
            static string Periods(string at, string extra, bool total = false) =>
                $"(SELECT 'hour' AS period, {HourOf(at)} AS start{extra} UNION ALL SELECT 'day', {DayOf(at)}{extra}" +
                (total ? $" UNION ALL SELECT 'total', '{SqliteTotalStart}'{extra}" : "") + ") p";
            static string Latest(string table, string column) =>
                $"CASE WHEN excluded.{column} IS NULL OR {table}.{column} > excluded.{column} THEN {table}.{column} ELSE excluded.{column} END";
            var runExtra = $", CASE WHEN NEW.started_at IS NULL THEN NULL ELSE {Ms("NEW.started_at", "NEW.finished_at")} END AS d, " +
                           $"CASE WHEN NEW.started_at IS NULL THEN NULL ELSE {Ms("NEW.queued_at", "NEW.finished_at")} END AS l";
            return Tables("TEXT", "INTEGER", "TEXT", " WITHOUT ROWID") + Backfill(HourOf, DayOf, Ms, $"'{SqliteTotalStart}'") + $"""
                CREATE TRIGGER runs_rollup AFTER UPDATE OF status ON runs
                WHEN NEW.status IN {Endings} AND OLD.status IN ('queued', 'running')
                BEGIN
                    INSERT INTO run_rollups ({RunRollupColumns}) SELECT {RunRollupValues} FROM {Periods("NEW.finished_at", runExtra, total: true)} WHERE true
                        ON CONFLICT (target, period, period_start) DO UPDATE SET {RunRollupIncrements("run_rollups", "MAX", Latest("run_rollups", "last_success_at"))};
                    INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                        SELECT 'run_duration', NEW.target, p.period, p.start, {RollupHistogram.BucketSql("p.d")}, 1 FROM {Periods("NEW.finished_at", runExtra)} WHERE p.d IS NOT NULL
                        {BucketUpsert};
                    INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                        SELECT 'run_latency', NEW.target, p.period, p.start, {RollupHistogram.BucketSql("p.l")}, 1 FROM {Periods("NEW.finished_at", runExtra)} WHERE p.l IS NOT NULL
                        {BucketUpsert};
                END;

                CREATE TRIGGER check_results_rollup AFTER INSERT ON check_results
                BEGIN
                    INSERT INTO check_rollups ({CheckRollupColumns}) SELECT {CheckRollupValues} FROM {Periods("NEW.checked_at", "")} WHERE true
                        ON CONFLICT (check_name, period, period_start) DO UPDATE SET {CheckRollupIncrements("MAX", Latest("check_rollups", "last_up_at"))};
                    INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                        SELECT 'check_latency', NEW.name, p.period, p.start, {RollupHistogram.BucketSql("NEW.latency_ms")}, 1 FROM {Periods("NEW.checked_at", "")} WHERE true
                        {BucketUpsert};
                END;
                """;
        }
    }

    /// <summary>PostgreSQL: trigger functions; times cut with date_trunc in UTC; GREATEST skips nulls.</summary>
    public static string Postgres
    {
        get
        {
            static string HourOf(string at) => $"date_trunc('hour', {at}, 'UTC')";
            static string DayOf(string at) => $"date_trunc('day', {at}, 'UTC')";
            static string Ms(string from, string to) => $"GREATEST(0, round(EXTRACT(EPOCH FROM ({to} - {from})) * 1000))::bigint";
            static string Periods(string at, string extra, bool total = false) =>
                $"(SELECT 'hour'::text AS period, {HourOf(at)} AS start{extra} UNION ALL SELECT 'day', {DayOf(at)}{extra}" +
                (total ? $" UNION ALL SELECT 'total', {PostgresTotalStart}{extra}" : "") + ") p";
            var runExtra = $", CASE WHEN NEW.started_at IS NULL THEN NULL ELSE {Ms("NEW.started_at", "NEW.finished_at")} END AS d, " +
                           $"CASE WHEN NEW.started_at IS NULL THEN NULL ELSE {Ms("NEW.queued_at", "NEW.finished_at")} END AS l";
            return Tables("text", "bigint", "timestamptz", "") + Backfill(HourOf, DayOf, Ms, PostgresTotalStart) + $"""
                CREATE FUNCTION syncplane_rollup_run() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO run_rollups ({RunRollupColumns}) SELECT {RunRollupValues} FROM {Periods("NEW.finished_at", runExtra, total: true)}
                        ON CONFLICT (target, period, period_start) DO UPDATE SET
                        {RunRollupIncrements("run_rollups", "GREATEST", "GREATEST(run_rollups.last_success_at, excluded.last_success_at)")};
                    INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                        SELECT 'run_duration', NEW.target, p.period, p.start, {RollupHistogram.BucketSql("p.d")}, 1 FROM {Periods("NEW.finished_at", runExtra)} WHERE p.d IS NOT NULL
                        {BucketUpsert};
                    INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                        SELECT 'run_latency', NEW.target, p.period, p.start, {RollupHistogram.BucketSql("p.l")}, 1 FROM {Periods("NEW.finished_at", runExtra)} WHERE p.l IS NOT NULL
                        {BucketUpsert};
                    RETURN NULL;
                END $$;
                CREATE TRIGGER runs_rollup AFTER UPDATE OF status ON runs
                    FOR EACH ROW WHEN (NEW.status IN {Endings} AND OLD.status IN ('queued', 'running')) EXECUTE FUNCTION syncplane_rollup_run();

                CREATE FUNCTION syncplane_rollup_check() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO check_rollups ({CheckRollupColumns}) SELECT {CheckRollupValues} FROM {Periods("NEW.checked_at", "")}
                        ON CONFLICT (check_name, period, period_start) DO UPDATE SET
                        {CheckRollupIncrements("GREATEST", "GREATEST(check_rollups.last_up_at, excluded.last_up_at)")};
                    INSERT INTO rollup_buckets (kind, subject, period, period_start, bucket, count)
                        SELECT 'check_latency', NEW.name, p.period, p.start, {RollupHistogram.BucketSql("NEW.latency_ms")}, 1 FROM {Periods("NEW.checked_at", "")}
                        {BucketUpsert};
                    RETURN NULL;
                END $$;
                CREATE TRIGGER check_results_rollup AFTER INSERT ON check_results FOR EACH ROW EXECUTE FUNCTION syncplane_rollup_check();
                """;
        }
    }
}
