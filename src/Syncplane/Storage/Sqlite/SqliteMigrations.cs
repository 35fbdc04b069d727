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
        new(2, "the durable queue, scheduler leases, firings and target settings", """
            -- Runs left running by a crashed process would break the one-running-run-per-target index.
            UPDATE runs SET status = 'cancelled', finished_at = COALESCE(started_at, queued_at),
                message = COALESCE(message, 'abandoned: another run of the target was running when the queue was installed')
            WHERE status = 'running' AND id NOT IN (SELECT MAX(id) FROM runs WHERE status = 'running' GROUP BY target);
            UPDATE runs SET status = 'cancelled', finished_at = queued_at, message = COALESCE(message, 'abandoned queued run')
            WHERE status = 'queued' AND id NOT IN (SELECT MAX(id) FROM runs WHERE status = 'queued' GROUP BY target);

            ALTER TABLE runs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE runs ADD COLUMN not_before TEXT;
            ALTER TABLE runs ADD COLUMN triggers TEXT NOT NULL DEFAULT '[]';
            ALTER TABLE runs ADD COLUMN worker_id TEXT;
            ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
            ALTER TABLE runs ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE runs ADD COLUMN requeue_reason TEXT;
            UPDATE runs SET not_before = queued_at, triggers = json_array(trigger);

            -- The database, not the code, guarantees one queued and one running run per target.
            CREATE UNIQUE INDEX runs_one_queued_per_target ON runs (target) WHERE status = 'queued';
            CREATE UNIQUE INDEX runs_one_running_per_target ON runs (target) WHERE status = 'running';
            CREATE INDEX runs_claim_order ON runs (priority DESC, not_before, id) WHERE status = 'queued';
            CREATE INDEX runs_lease_expiry ON runs (lease_expires_at) WHERE status = 'running';

            CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE firings (target TEXT NOT NULL, slot TEXT NOT NULL, fired_at TEXT NOT NULL, PRIMARY KEY (target, slot)) WITHOUT ROWID;
            CREATE TABLE target_settings (
                target TEXT PRIMARY KEY,
                frequency_override TEXT,
                paused_reason TEXT,
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
        new(3, "events, API tokens, audit records, webhook deliveries and cursors", """
            -- A user asked to cancel a running run; its worker sees this when it renews the lease.
            ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;
            ALTER TABLE runs ADD COLUMN cancel_requested_by TEXT;

            -- Every state change, in the order it committed: the live stream and its replay (Last-Event-ID).
            CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                type TEXT NOT NULL,
                target TEXT,
                run_id INTEGER,
                data TEXT NOT NULL
            );
            CREATE INDEX events_at ON events (at);

            -- Only the SHA-256 of a token is kept; the token itself is shown once, when it is created.
            CREATE TABLE api_tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                last_used_at TEXT,
                revoked_at TEXT
            );

            CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT,
                details TEXT NOT NULL
            );

            -- Provider delivery ids already accepted, so a redelivery triggers nothing twice.
            CREATE TABLE webhook_deliveries (
                provider TEXT NOT NULL,
                delivery_id TEXT NOT NULL,
                received_at TEXT NOT NULL,
                PRIMARY KEY (provider, delivery_id)
            ) WITHOUT ROWID;
            CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);

            -- How far a consumer (such as the outbound notifier) has read the event log.
            CREATE TABLE cursors (name TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
            """),
        new(4, "check results", """
            CREATE TABLE check_results (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                latency_ms INTEGER NOT NULL,
                message TEXT NOT NULL,
                details TEXT NOT NULL DEFAULT '{}',
                checked_at TEXT NOT NULL
            );
            CREATE INDEX check_results_by_name ON check_results (name, id);
            """),
        new(5, "rate-limit buckets", """
            -- One token bucket per rate limit (target/NAME or shared/NAME): whole tokens left and the
            -- instant they were counted at; a bucket with no row is full.
            CREATE TABLE rate_limit_buckets (
                key TEXT PRIMARY KEY,
                tokens INTEGER NOT NULL,
                last_refill TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
        new(6, "what a run waiting for a retry or a rate limit shows", """
            -- The error of the latest failed attempt of a run that is retried, and when it failed.
            ALTER TABLE runs ADD COLUMN attempt_error TEXT;
            ALTER TABLE runs ADD COLUMN attempt_error_at TEXT;
            -- Why and until when a run waits without having failed: postponed or held back in the queue,
            -- or running and waiting for a rate-limit token or an upstream's Retry-After.
            ALTER TABLE runs ADD COLUMN wait_reason TEXT;
            ALTER TABLE runs ADD COLUMN wait_until TEXT;
            """),
        new(7, "the trace context a queued run links to", """
            -- The W3C traceparent of the span that queued the run (a webhook delivery): the run's span links to it.
            ALTER TABLE runs ADD COLUMN trace_parent TEXT;
            """),
        new(8, "documents built from records, patched by events", """
            -- One row per document (the document destination): its version (etag), the full sync it rests on and
            -- the group counts; the records themselves are in document_records.
            CREATE TABLE documents (
                name TEXT PRIMARY KEY,
                target TEXT NOT NULL,
                etag TEXT NOT NULL,
                revision TEXT,
                synced_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                counts TEXT NOT NULL
            ) WITHOUT ROWID;

            -- A document's records by key: the group, the record as canonical JSON, and the time of the state it
            -- holds (an event's window.startTime, or the record's updateTime), so an older event is ignored. A
            -- deleted record stays as a tombstone (deleted = 1) until the next full sync, so an older create is ignored too.
            CREATE TABLE document_records (
                document TEXT NOT NULL,
                key TEXT NOT NULL,
                grp TEXT NOT NULL,
                record TEXT NOT NULL,
                observed_at TEXT,
                deleted INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (document, key)
            ) WITHOUT ROWID;
            """),
        new(9, "rollups of runs and check results per hour and day", Rollups.RollupSchema.Sqlite),
        new(10, "alert states, history, silences and the alert outbox", """
            -- One row per rule × target (or check): ok, pending, firing or resolved. Every change is a conditional
            -- update on version, so of several nodes evaluating at once exactly one records a transition.
            CREATE TABLE alert_states (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                rule TEXT NOT NULL,
                subject TEXT NOT NULL,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                since TEXT NOT NULL,
                value REAL,
                severity TEXT NOT NULL,
                notified INTEGER NOT NULL DEFAULT 0,
                acked_by TEXT,
                acked_at TEXT,
                version INTEGER NOT NULL DEFAULT 0,
                UNIQUE (rule, subject)
            );
            CREATE TABLE alert_history (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                alert_id INTEGER NOT NULL,
                at TEXT NOT NULL,
                rule TEXT NOT NULL,
                subject TEXT NOT NULL,
                transition TEXT NOT NULL,
                value REAL,
                message TEXT NOT NULL
            );
            CREATE INDEX alert_history_by_alert ON alert_history (alert_id, id);
            CREATE TABLE alert_silences (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                matchers TEXT NOT NULL,
                until TEXT NOT NULL,
                created_by TEXT NOT NULL,
                comment TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            -- One row per transition × notifier, written in the transition's transaction; a node claims a row with a
            -- lease before sending, and marks it sent (or failed for good) while it still holds the lease.
            CREATE TABLE alert_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                alert_id INTEGER NOT NULL,
                notifier TEXT NOT NULL,
                transition TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                due_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                holder TEXT,
                lease_until TEXT,
                sent_at TEXT,
                failed_at TEXT,
                last_error TEXT
            );
            CREATE INDEX alert_outbox_open ON alert_outbox (due_at) WHERE sent_at IS NULL AND failed_at IS NULL;
            -- How each notifier's alert deliveries go, for status: a channel that keeps failing shows here.
            CREATE TABLE alert_channels (
                notifier TEXT PRIMARY KEY,
                last_success_at TEXT,
                last_failure_at TEXT,
                last_error TEXT,
                consecutive_failures INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            -- Alert facts per target: the latest finished run, the last success, runs finished within a window.
            CREATE INDEX runs_by_target_finished ON runs (target, finished_at);
            """),
        new(11, "listings of bidirectional targets", """
            -- The listing a bidirectional target's last successful run saved (its items are item_index rows under
            -- the sides 'listing:source' and 'listing:destination'); no row: the target was never synced both ways.
            CREATE TABLE listings (
                target TEXT PRIMARY KEY,
                source_root TEXT NOT NULL,
                destination_root TEXT NOT NULL,
                saved_at TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
        new(12, "listings as one compressed value per side; queued resyncs", """
            -- Each side of a listing as one compressed value (ListingCodec); null: its items are still item_index rows.
            ALTER TABLE listings ADD COLUMN source_items BLOB;
            ALTER TABLE listings ADD COLUMN destination_items BLOB;
            -- A queued run of a bidirectional target that resyncs (POST /api/v1/targets/{name}/sync?resync=true).
            ALTER TABLE runs ADD COLUMN resync INTEGER NOT NULL DEFAULT 0;
            """),
        new(13, "the project an API token is scoped to", """
            -- NULL: a global token (every project); otherwise the name of a project in the config's projects:.
            ALTER TABLE api_tokens ADD COLUMN project TEXT;
            """),
        new(14, "when each record's latest event happened, per target (events patching any destination)", """
            -- The time (window.startTime) of the latest event applied to a record of a target whose events patch a sql
            -- table; a delete keeps its row (a tombstone), so an older event arriving after it is ignored too.
            CREATE TABLE record_event_times (
                target TEXT NOT NULL,
                key TEXT NOT NULL,
                observed_at TEXT NOT NULL,
                PRIMARY KEY (target, key)
            ) WITHOUT ROWID;
            """),
        new(15, "run rollups by folding: finished runs wait in run_rollup_pending, readers and each node fold them", Rollups.RollupFolding.SqliteMigration),
        new(16, "per target facts (failures since the last success, the latest run) kept by the rollup fold", Rollups.TargetRunFacts.SqliteMigration),
        new(17, "fewer index entries per claim and completion", """
            -- SQLite rewrites an index on an update only when the update changes a column it names: status was in
            -- runs_by_status, so every claim and completion rewrote its entry. Index end states only, where the
            -- readers ask for them (id order); queued and running runs have their own partial indexes.
            DROP INDEX runs_by_status;
            CREATE INDEX runs_ended_by_status ON runs (status, id) WHERE status NOT IN ('queued', 'running');
            -- Alert facts read finished runs only: an enqueue no longer adds an entry.
            DROP INDEX runs_by_target_finished;
            CREATE INDEX runs_by_target_finished ON runs (target, finished_at) WHERE finished_at IS NOT NULL;
            """),
    ];
}
