#!/usr/bin/env bash
# Analytics from rollups against today's read-from-history (issue 15), on SQLite: a store holding RUNS finished runs
# of TARGETS targets over DAYS days, its rollups filled by the same trigger that maintains them when runs finish.
#
#   1. The analytics API for all targets, one point per day over DAYS days (GET /api/v1/analytics?step=day), against
#      the history query that gives the same counts (GROUP BY day over the runs).
#   2. The analytics API for one target, one point per hour over DAYS days, against the history queries that give
#      the same counts and the durations to take percentiles from.
#   3. The run statistics /metrics snapshots are taken from (run counts per target and status, duration sums): the
#      rollup query against the history query it replaced (issue 4's, kept here verbatim).
# API figures are curl's time_total over HTTP to a real `syncplane serve` (Release); SQL figures are sqlite3's
# `.timer` for the query alone. REQUESTS of each; p50 / p99 in ms. See docs/benchmarks.md.
#
#   bench/analytics/run.sh                                   # 1,000,000 runs, 1,000 targets, 30 days, 200 requests
#   RUNS=100000 TARGETS=1000 REQUESTS=50 bench/analytics/run.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNS=${RUNS:-1000000}
TARGETS=${TARGETS:-1000}
DAYS=${DAYS:-30}
REQUESTS=${REQUESTS:-200}
PORT=${PORT:-18493}

say() { echo "analytics-bench: $*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/analytics-bench.XXXXXX")
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
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
cd "$work/cfg"
token=$("$syncplane" token create --name bench --role viewer)
db="$work/cfg/.syncplane/syncplane.db"

say "inserting $RUNS runs of $TARGETS targets over $DAYS days, then finishing them (the rollup trigger fires per run)"
started=$(date +%s)
# Row i: target i % TARGETS, queued and started DAYS days * (RUNS - i) / RUNS ago, ran 1-30 s; 90% succeed, 8% fail, 2% are cancelled.
# Inserted as running (the one-running-per-target index is set aside meanwhile), then finished by one UPDATE.
sqlite3 "$db" <<SQL
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
say "loaded in $(( $(date +%s) - started )) s: $(sqlite3 "$db" 'SELECT COUNT(*) FROM runs') runs, $(sqlite3 "$db" 'SELECT COUNT(*) FROM run_rollups') rollup rows, $(sqlite3 "$db" 'SELECT COUNT(*) FROM rollup_buckets') histogram rows"

from=$(date -u -d "-$DAYS days" +%Y-%m-%dT00:00:00Z)
to=$(date -u -d "+1 day" +%Y-%m-%dT00:00:00Z)
from_db=$(date -u -d "-$DAYS days" +%Y-%m-%dT00:00:00.0000000Z)

# The history queries: what a read-from-history implementation runs for the same answers.
fleet_history="SELECT substr(finished_at, 1, 10) AS day, COUNT(*), SUM(status = 'succeeded'), SUM(status = 'failed'), SUM(status = 'refused'),
  SUM(status = 'cancelled'), MAX((julianday(finished_at) - julianday(started_at)) * 86400000.0)
  FROM runs WHERE finished_at >= '$from_db' AND status IN ('succeeded', 'failed', 'refused', 'cancelled') GROUP BY day ORDER BY day;"
target_history="SELECT substr(finished_at, 1, 13) AS hour, COUNT(*), SUM(status = 'succeeded'), SUM(status = 'failed'), SUM(status = 'refused'),
  SUM(status = 'cancelled') FROM runs WHERE target = 'target-0001' AND finished_at >= '$from_db' GROUP BY hour ORDER BY hour;
  SELECT substr(finished_at, 1, 13), (julianday(finished_at) - julianday(started_at)) * 86400000.0 AS ms FROM runs
  WHERE target = 'target-0001' AND finished_at >= '$from_db' AND started_at IS NOT NULL ORDER BY 1, 2;"
# Issue 4's GetRunStatisticsAsync, which /metrics snapshots ran until rollups replaced it.
statistics_history="SELECT target, status, COUNT(*), SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN ((julianday(finished_at) - julianday(started_at)) * 86400.0) ELSE 0 END),
  SUM(CASE WHEN finished_at IS NOT NULL AND started_at IS NOT NULL THEN 1 ELSE 0 END) FROM runs GROUP BY target, status ORDER BY target, status;"
statistics_rollups="SELECT target, SUM(successes), SUM(failures), SUM(refusals), SUM(cancellations), SUM(duration_sum_ms), SUM(duration_count)
  FROM run_rollups WHERE period = 'day' GROUP BY target ORDER BY target;
  SELECT target, status, COUNT(*) FROM runs WHERE status IN ('queued', 'running') GROUP BY target, status ORDER BY target, status;"

sql_times() { # milliseconds of each of REQUESTS runs of the statements in $1 (sqlite3 .timer, summed per run)
  { echo ".timer on"; for _ in $(seq 1 "$REQUESTS"); do echo "$1"; echo "SELECT 'end-of-run';"; done; } | sqlite3 "$db" | python3 "$here/times.py" sql
}

api_times() { # milliseconds of each of REQUESTS GETs of $1
  for _ in $(seq 1 "$REQUESTS"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$1"
  done | python3 "$here/times.py" curl
}

say "starting syncplane serve"
"$syncplane" serve --urls "http://127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.5; done
curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/analytics?step=day&from=$from&to=$to" # warm-up

printf '%-44s %10s %10s\n' "measurement" "p50 ms" "p99 ms"
report() { read -r p50 p99; printf '%-44s %10s %10s\n' "$1" "$p50" "$p99"; echo "$p99" >"$work/$2"; }
api_times "/api/v1/analytics?step=day&from=$from&to=$to" | report "all targets, per day: rollups (API)" a1
sql_times "$fleet_history" | report "all targets, per day: history (SQL only)" h1
api_times "/api/v1/analytics?target=target-0001&step=hour&from=$from&to=$to" | report "one target, per hour: rollups (API)" a2
sql_times "$target_history" | report "one target, per hour: history (SQL only)" h2
sql_times "$statistics_rollups" | report "/metrics statistics: rollups (SQL)" a3
sql_times "$statistics_history" | report "/metrics statistics: history (SQL)" h3
api_times "/metrics" | report "/metrics scrape (API, from its snapshot)" m
for n in 1 2 3; do
  python3 -c "import sys; a, h = float(open('$work/a$n').read()), float(open('$work/h$n').read()); print(f'ratio {$n}: history p99 / rollups p99 = {h / max(a, 0.001):.1f}x')"
done
