#!/usr/bin/env bash
# Analytics from rollups against today's read-from-history (issue 15), on SQLite or PostgreSQL (STORE): a store holding
# RUNS finished runs of TARGETS targets over DAYS days, finished through the same trigger as in production (it leaves each
# run pending) and folded into the rollups by the node when it starts, before anything is measured.
#
#   1. The analytics API for all targets, one point per day over DAYS days (GET /api/v1/analytics?step=day), against
#      the history query that gives the same counts (GROUP BY day over the runs).
#   2. The analytics API for one target, one point per hour over DAYS days, against the history queries that give
#      the same counts and the durations to take percentiles from.
#   3. What a /metrics snapshot reads: the statements the server runs now (the fold's check, the 'total' rollups, the queued
#      and running runs, the due queue, and each target's row of target_run_facts, which the fold keeps), against what it
#      ran before rollups (issue 4's run statistics and the target states over every run).
#   4. The /metrics scrape itself (from the node's in-memory snapshot).
# API figures are curl's time_total over HTTP to a real `syncplane serve` (Release); SQL figures are the shell's own timer
# (sqlite3 .timer, psql \timing) for the queries alone. Every URL is requested WARMUP times first and the measuring waits
# until the node's start-up work is done. REQUESTS of each; p50 / p99 in ms. See docs/benchmarks.md.
#
#   bench/analytics/run.sh                                   # SQLite: 1,000,000 runs, 1,000 targets, 30 days, 200 requests
#   STORE=postgres bench/analytics/run.sh                    # the same on PostgreSQL (scripts/postgres-for-tests)
#   RUNS=100000 TARGETS=1000 REQUESTS=50 bench/analytics/run.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
STORE=${STORE:-sqlite}
RUNS=${RUNS:-1000000}
TARGETS=${TARGETS:-1000}
DAYS=${DAYS:-30}
REQUESTS=${REQUESTS:-200}
WARMUP=${WARMUP:-10}
PORT=${PORT:-18493}

say() { echo "analytics-bench: $*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/analytics-bench.XXXXXX")
serve_pid=
pgdb=analyticsbench_$$
cleanup() {
  if [ -n "$serve_pid" ]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  if [ "$STORE" = postgres ] && [ -n "${pghost:-}" ]; then psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say "building syncplane (Release)"
dotnet build -c Release -nologo -v q "$repo/src/Syncplane.Cli/Syncplane.Cli.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
syncplane="$repo/src/Syncplane.Cli/bin/Release/net10.0/syncplane"

mkdir -p "$work/cfg"
{
  echo 'targets:'
  for i in $(seq 1 "$TARGETS"); do printf '  target-%04d: { entrypoint: "true" }\n' "$i"; done
} >"$work/cfg/syncplane.yaml"
config="$work/cfg/syncplane.yaml"

case $STORE in
  sqlite)
    store="sqlite:$work/syncplane.db"
    db() { sqlite3 "$work/syncplane.db" "$@"; }
    q() { db "$1"; }
    timed() { { echo ".timer on"; cat; } | sqlite3 "$work/syncplane.db"; }
    end_of_run="SELECT 'end-of-run';"
    day_of() { echo "substr($1, 1, 10)"; }
    hour_of() { echo "substr($1, 1, 13)"; }
    ms_between() { echo "((julianday($2) - julianday($1)) * 86400000.0)"; }
    now_sql="strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now')"
    ;;
  postgres)
    pgconn=$("$repo/scripts/postgres-for-tests")
    pghost=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pgconn")
    pgport=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pgconn")
    pguser=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pgconn")
    psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" >/dev/null
    store="Host=$pghost;Port=$pgport;Username=$pguser;Database=$pgdb"
    db() { psql -qAt -v ON_ERROR_STOP=1 -h "$pghost" -p "$pgport" -U "$pguser" -d "$pgdb" "$@"; }
    q() { db -c "$1"; }
    timed() { { echo '\timing on'; cat; } | db -o /dev/null; }
    end_of_run='\echo end-of-run'
    day_of() { echo "date_trunc('day', $1, 'UTC')"; }
    hour_of() { echo "date_trunc('hour', $1, 'UTC')"; }
    ms_between() { echo "(EXTRACT(EPOCH FROM ($2 - $1)) * 1000)"; }
    now_sql="now()"
    ;;
  *) say "STORE must be sqlite or postgres, not '$STORE'"; exit 2 ;;
esac

token=$("$syncplane" token create --config "$config" --store "$store" --name bench --role viewer)

say "$STORE: inserting $RUNS runs of $TARGETS targets over $DAYS days, then finishing them (the trigger leaves each run pending; serve folds them at start)"
started=$(date +%s)
# Row i: target i % TARGETS, queued and started DAYS days * (RUNS - i) / RUNS ago (and 86 s more), ran 1-30 s; 90% succeed,
# 8% fail, 2% are cancelled. Inserted as running (the one-running-per-target index is set aside meanwhile), then finished by one UPDATE.
if [ "$STORE" = sqlite ]; then
  db <<SQL
DROP INDEX runs_one_running_per_target;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $RUNS),
r(i, t) AS (SELECT i, julianday('now') - $DAYS.0 * ($RUNS - i) / $RUNS - 0.001 FROM n)
INSERT INTO runs (target, trigger, direction, dry_run, status, queued_at, started_at, finished_at, message, creates, updates, deletes, unchanged, not_before)
SELECT printf('target-%04d', i % $TARGETS + 1), 'schedule', 'push', 0, 'running',
       strftime('%Y-%m-%dT%H:%M:%f0000Z', t), strftime('%Y-%m-%dT%H:%M:%f0000Z', t),
       strftime('%Y-%m-%dT%H:%M:%f0000Z', t + (1 + i % 30) / 86400.0),
       CASE WHEN i % 25 = 3 THEN 'exit code 1' END, i % 3, i % 5, 0, 100, strftime('%Y-%m-%dT%H:%M:%f0000Z', t)
FROM r;
UPDATE runs SET status = CASE WHEN id % 50 = 7 THEN 'cancelled' WHEN id % 25 = 3 THEN 'failed' ELSE 'succeeded' END WHERE status = 'running';
CREATE UNIQUE INDEX runs_one_running_per_target ON runs (target) WHERE status = 'running';
ANALYZE;
SQL
else
  db <<SQL
DROP INDEX runs_one_running_per_target;
INSERT INTO runs (target, trigger, direction, dry_run, status, queued_at, started_at, finished_at, message, creates, updates, deletes, unchanged, not_before)
SELECT format('target-%s', lpad((i % $TARGETS + 1)::text, 4, '0')), 'schedule', 'push', false, 'running',
       t, t, t + make_interval(secs => 1 + i % 30), CASE WHEN i % 25 = 3 THEN 'exit code 1' END, i % 3, i % 5, 0, 100, t
FROM (SELECT i, now() - make_interval(secs => $DAYS * 86400.0 * ($RUNS - i) / $RUNS + 86.4) AS t FROM generate_series(1, $RUNS) AS i) AS r;
UPDATE runs SET status = CASE WHEN id % 50 = 7 THEN 'cancelled' WHEN id % 25 = 3 THEN 'failed' ELSE 'succeeded' END WHERE status = 'running';
CREATE UNIQUE INDEX runs_one_running_per_target ON runs (target) WHERE status = 'running';
VACUUM ANALYZE;
SQL
fi
say "loaded in $(( $(date +%s) - started )) s: $(q 'SELECT COUNT(*) FROM runs') runs, $(q 'SELECT COUNT(*) FROM run_rollups') rollup rows, $(q 'SELECT COUNT(*) FROM run_rollup_pending') pending"

from=$(date -u -d "-$DAYS days" +%Y-%m-%dT00:00:00Z)
to=$(date -u -d "+1 day" +%Y-%m-%dT00:00:00Z)
if [ "$STORE" = sqlite ]; then from_db="'$(date -u -d "-$DAYS days" +%Y-%m-%dT00:00:00.0000000Z)'"; else from_db="TIMESTAMPTZ '$from'"; fi
ok() { echo "SUM(CASE WHEN status = '$1' THEN 1 ELSE 0 END)"; }

# The history queries: what a read-from-history implementation runs for the same answers.
fleet_history="SELECT $(day_of finished_at) AS day, COUNT(*), $(ok succeeded), $(ok failed), $(ok refused), $(ok cancelled),
  MAX($(ms_between started_at finished_at)) FROM runs WHERE finished_at >= $from_db AND status IN ('succeeded', 'failed', 'refused', 'cancelled')
  GROUP BY day ORDER BY day;"
target_history="SELECT $(hour_of finished_at) AS hour, COUNT(*), $(ok succeeded), $(ok failed), $(ok refused), $(ok cancelled)
  FROM runs WHERE target = 'target-0001' AND finished_at >= $from_db GROUP BY hour ORDER BY hour;
  SELECT $(hour_of finished_at), $(ms_between started_at finished_at) AS ms FROM runs
  WHERE target = 'target-0001' AND finished_at >= $from_db AND started_at IS NOT NULL ORDER BY 1, 2;"
# Before rollups, a /metrics snapshot ran issue 4's GetRunStatisticsAsync and ListTargetStatesAsync (the target states over every run).
snapshot_history="SELECT target, status, COUNT(*), SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN $(ms_between started_at finished_at) ELSE 0 END),
  SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN 1 ELSE 0 END) FROM runs GROUP BY target, status ORDER BY target, status;
  WITH agg AS (SELECT target, SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running, SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END) AS queued,
    SUM(CASE WHEN status NOT IN ('queued', 'running') THEN 1 ELSE 0 END) AS total,
    SUM(CASE WHEN status = 'succeeded' AND NOT dry_run AND (COALESCE(creates, 0) + COALESCE(updates, 0) + COALESCE(deletes, 0) > 0 OR outputs_created <> '[]') THEN 1 ELSE 0 END) AS changed,
    MAX(started_at) AS last_attempted, MAX(finished_at) AS last_completed,
    MAX(CASE WHEN status = 'succeeded' AND NOT dry_run AND (COALESCE(creates, 0) + COALESCE(updates, 0) + COALESCE(deletes, 0) > 0 OR outputs_created <> '[]') THEN finished_at END) AS last_changed,
    MAX(CASE WHEN status = 'succeeded' AND NOT dry_run THEN id END) AS last_good, MAX(CASE WHEN status = 'failed' THEN id END) AS last_failed,
    MAX(CASE WHEN finished_at IS NOT NULL THEN id END) AS last_finished,
    COALESCE(MAX(CASE WHEN status = 'running' THEN id END), MAX(CASE WHEN status = 'queued' THEN id END)) AS current,
    MAX(CASE WHEN attempt_error_at IS NOT NULL THEN id END) AS last_attempt_failed FROM runs GROUP BY target)
  SELECT agg.target, agg.total, agg.last_good, failed.message, finished.status,
    (SELECT COUNT(*) FROM runs c WHERE c.target = agg.target AND c.status = 'failed' AND c.id > COALESCE(agg.last_good, 0)),
    good.finished_at, cur.status, erred.attempt_error
  FROM agg LEFT JOIN runs good ON good.id = agg.last_good LEFT JOIN runs failed ON failed.id = agg.last_failed
  LEFT JOIN runs finished ON finished.id = agg.last_finished LEFT JOIN runs cur ON cur.id = agg.current LEFT JOIN runs erred ON erred.id = agg.last_attempt_failed;"
# What a snapshot runs now (SqlSyncStore.ReadRunSnapshotAsync, verbatim but for the parameters): the fold's "anything pending?"
# check, each target's all-time 'total' row, the queued and running runs, the due queue, and each target's row of target_run_facts.
if [ "$STORE" = sqlite ]; then fold_check="SELECT EXISTS (SELECT 1 FROM run_rollup_pending);"; else fold_check="SELECT syncplane_fold_run_rollups(20000);"; fi
snapshot_rollups="$fold_check
  SELECT target, SUM(successes), SUM(failures), SUM(refusals), SUM(cancellations), SUM(duration_sum_ms), SUM(duration_count)
  FROM run_rollups WHERE period = 'total' GROUP BY target ORDER BY target;
  SELECT target, status, attempt_error_at FROM runs WHERE status = 'queued' UNION ALL SELECT target, status, attempt_error_at FROM runs WHERE status = 'running';
  SELECT COUNT(*), MIN(not_before) FROM runs WHERE status = 'queued' AND not_before <= $now_sql;
  SELECT target, success_at, failures, latest_queued_at, latest_started_at, latest_finished_at FROM target_run_facts;"

sql_times() { # milliseconds of each of REQUESTS runs of the statements in $1, summed per run
  for _ in $(seq 1 "$REQUESTS"); do echo "$1"; echo "$end_of_run"; done | timed | python3 "$here/times.py" sql
}

get() { curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$1"; }

api_times() { # milliseconds of each of REQUESTS GETs of $1
  for _ in $(seq 1 "$REQUESTS"); do get "$1"; done | python3 "$here/times.py" curl
}

busy() { # CPU ticks the node (and, on PostgreSQL, its database sessions) have used so far
  local ticks; ticks=$(awk '{ print $14 + $15 }' "/proc/$serve_pid/stat")
  if [ "$STORE" = postgres ]; then
    ticks=$(( ticks + $(q "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()") * 100 ))
  fi
  echo "$ticks"
}

wait_idle() { # until the node used under 5 ticks (50 ms) of CPU in a second, at most 300 s: its start-up work is done
  local before after
  for _ in $(seq 1 300); do
    before=$(busy); sleep 1; after=$(busy)
    [ $(( after - before )) -lt 5 ] && return 0
  done
  say "the node stayed busy for 300 s; measuring anyway"
}

say "starting syncplane serve"
"$syncplane" serve --config "$config" --store "$store" --urls "http://127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.5; done
fleet="/api/v1/analytics?step=day&from=$from&to=$to"
one="/api/v1/analytics?target=target-0001&step=hour&from=$from&to=$to"
wait_idle
for _ in $(seq 1 "$WARMUP"); do get "$fleet" >/dev/null; get "$one" >/dev/null; get /metrics >/dev/null; done
wait_idle

echo "store: $STORE; date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg); commit: $(git -C "$repo" rev-parse --short HEAD)"
printf '%-50s %10s %10s\n' "measurement ($RUNS runs, $TARGETS targets, $DAYS days, $REQUESTS requests)" "p50 ms" "p99 ms"
report() { read -r p50 p99; printf '%-50s %10s %10s\n' "$1" "$p50" "$p99"; echo "$p99" >"$work/$2"; }
api_times "$fleet" | report "all targets, per day: rollups (API)" a1
sql_times "$fleet_history" | report "all targets, per day: history (SQL only)" h1
api_times "$one" | report "one target, per hour: rollups (API)" a2
sql_times "$target_history" | report "one target, per hour: history (SQL only)" h2
sql_times "$snapshot_rollups" | report "/metrics snapshot: rollups (SQL)" a3
sql_times "$snapshot_history" | report "/metrics snapshot: history (SQL)" h3
api_times "/metrics" | report "/metrics scrape (API, from its snapshot)" m
for n in 1 2 3; do
  python3 -c "a, h = float(open('$work/a$n').read()), float(open('$work/h$n').read()); print(f'ratio {$n}: history p99 / rollups p99 = {h / max(a, 0.001):.1f}x')"
done
