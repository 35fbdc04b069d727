#!/usr/bin/env bash
# GET /metrics scrape time with 100,000 stored runs (issue 12): a real `syncplane serve` (Release) on a
# SQLite store and, when PostgreSQL is available, on a PostgreSQL store; SCRAPES sequential scrapes with
# curl, median and p95 of curl's time_total. On PostgreSQL it also counts the store statements a scrape
# costs: scans of the `runs` table and transactions during the scrapes, minus those of an idle period of
# the same length (the node's own background work). See docs/benchmarks.md.
#
#   bench/metrics/run.sh                     # 100,000 runs over 50 targets, 50 scrapes, SQLite + PostgreSQL
#   RUNS=10000 SCRAPES=20 bench/metrics/run.sh
#   STORES=sqlite bench/metrics/run.sh
#
# Environment: RUNS (100000), TARGETS (50), SCRAPES (50), PORT (18473), STORES ("sqlite postgres";
# postgres is skipped when scripts/postgres-for-tests cannot provide a server).
# The runs are inserted with one SQL statement per store (90% succeeded, 8% failed, 2% cancelled, one
# a minute); the targets have no schedule, so the node's scheduler and worker stay idle.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNS=${RUNS:-100000}
TARGETS=${TARGETS:-50}
SCRAPES=${SCRAPES:-50}
PORT=${PORT:-18473}
STORES=${STORES:-sqlite postgres}

say() { echo "metrics-bench: $*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/metrics-bench.XXXXXX")
serve_pid=
pgdb=metricsbench_$$
cleanup() {
  if [ -n "$serve_pid" ]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  if [ -n "${pghost:-}" ]; then psql_admin -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say "building syncplane (Release)"
dotnet build -c Release -nologo -v q "$repo/src/Syncplane.Cli/Syncplane.Cli.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
syncplane="$repo/src/Syncplane.Cli/bin/Release/net10.0/syncplane"

mkdir -p "$work/cfg"
{
  echo 'targets:'
  for i in $(seq 1 "$TARGETS"); do
    printf '  target-%04d: { description: "benchmark target %d", entrypoint: "true" }\n' "$i" "$i"
  done
} >"$work/cfg/syncplane.yaml"
config="$work/cfg/syncplane.yaml"

# Row i: target i % TARGETS, queued RUNS-i minutes ago, ran 1-30 s.
sqlite_insert() {
  sqlite3 "$1" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $RUNS),
r(i, t) AS (SELECT i, julianday('now') - ($RUNS - i) / 1440.0 FROM n)
INSERT INTO runs (target, trigger, direction, dry_run, status, queued_at, started_at, finished_at, message, creates, updates, deletes, unchanged, not_before)
SELECT printf('target-%04d', i % $TARGETS + 1), 'schedule', 'push', 0,
       CASE WHEN i % 50 = 7 THEN 'cancelled' WHEN i % 25 = 3 THEN 'failed' ELSE 'succeeded' END,
       strftime('%Y-%m-%dT%H:%M:%f0000Z', t), strftime('%Y-%m-%dT%H:%M:%f0000Z', t),
       strftime('%Y-%m-%dT%H:%M:%f0000Z', t + (1 + i % 30) / 86400.0),
       CASE WHEN i % 25 = 3 THEN 'exit code 1' END, i % 3, i % 5, 0, 100,
       strftime('%Y-%m-%dT%H:%M:%f0000Z', t)
FROM r;
SQL
}

postgres_insert() {
  psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d "$pgdb" <<SQL
INSERT INTO runs (target, trigger, direction, dry_run, status, queued_at, started_at, finished_at, message, creates, updates, deletes, unchanged, not_before)
SELECT format('target-%s', lpad((i % $TARGETS + 1)::text, 4, '0')), 'schedule', 'push', false,
       CASE WHEN i % 50 = 7 THEN 'cancelled' WHEN i % 25 = 3 THEN 'failed' ELSE 'succeeded' END,
       t, t, t + make_interval(secs => 1 + i % 30),
       CASE WHEN i % 25 = 3 THEN 'exit code 1' END, i % 3, i % 5, 0, 100, t
FROM (SELECT i, now() - make_interval(mins => $RUNS - i) AS t FROM generate_series(1, $RUNS) AS i) AS r;
ANALYZE runs;
SQL
}

pg_counters() { # "<scans of runs> <transactions>" of the bench database so far
  psql -qtA -F' ' -h "$pghost" -p "$pgport" -U "$pguser" -d "$pgdb" -c \
    "SELECT (SELECT COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'runs'),
            (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database())"
}

percentile() { # p file: the p-th percentile (nearest rank) of the numbers in file, in ms
  sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; printf "%.1f", v[r] * 1000 }'
}

measure() { # label store
  local label=$1 store=$2 token url
  say "$label: storing $RUNS runs"
  token=$("$syncplane" token create --config "$config" --store "$store" --name bench --role viewer 2>/dev/null | head -1)
  local t0=$(date +%s.%N)
  if [ "$label" = sqlite ]; then sqlite_insert "$work/sqlite.db"; else postgres_insert; fi
  say "$label: inserted in $(echo "$(date +%s.%N) - $t0" | bc -l | cut -c1-5) s"

  "$syncplane" serve --config "$config" --store "$store" --urls "http://127.0.0.1:$PORT" >"$work/serve-$label.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  url="http://127.0.0.1:$PORT/metrics"
  curl -fs -H "Authorization: Bearer $token" "$url" -o "$work/metrics-$label.txt" || { cat "$work/serve-$label.log" >&2; exit 1; }
  sleep 2 # start-up work done (event hub, scheduler, first metrics snapshot if any)
  for _ in 1 2 3 4 5; do curl -fs -H "Authorization: Bearer $token" "$url" -o /dev/null; done

  local before idle_before idle_after start end
  if [ "$label" = postgres ]; then sleep 1; before=$(pg_counters); fi
  : >"$work/times-$label.txt"
  start=$(date +%s.%N)
  for _ in $(seq "$SCRAPES"); do
    curl -fs -H "Authorization: Bearer $token" "$url" -o /dev/null -w '%{time_total}\n' >>"$work/times-$label.txt"
  done
  end=$(date +%s.%N)
  local line="$label: $RUNS runs, $TARGETS targets, $SCRAPES scrapes, $(grep -c '^syncplane_' "$work/metrics-$label.txt") samples: median $(percentile 50 "$work/times-$label.txt") ms, p95 $(percentile 95 "$work/times-$label.txt") ms, max $(percentile 100 "$work/times-$label.txt") ms"
  if [ "$label" = postgres ]; then
    sleep 1; local after; after=$(pg_counters)
    # The same length of time without scrapes: what the node does on its own.
    idle_before=$(pg_counters); sleep "$(echo "$end - $start" | bc -l)"; sleep 1; idle_after=$(pg_counters)
    line+="; per scrape: $(awk -v a="$before" -v b="$after" -v c="$idle_before" -v d="$idle_after" -v n="$SCRAPES" 'BEGIN {
      split(a, x, " "); split(b, y, " "); split(c, z, " "); split(d, w, " ");
      printf "%.1f scans of runs, %.1f transactions (idle baseline removed)", ((y[1]-x[1]) - (w[1]-z[1])) / n, ((y[2]-x[2]) - (w[2]-z[2])) / n }')"
  fi
  echo "$line"
  kill -TERM "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg); commit: $(git -C "$repo" rev-parse --short HEAD)"
} >&2
for store in $STORES; do
  case $store in
    sqlite) measure sqlite "sqlite:$work/sqlite.db" ;;
    postgres)
      if ! pgconn=$("$repo/scripts/postgres-for-tests" 2>/dev/null); then say "no PostgreSQL, skipped"; continue; fi
      pghost=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pgconn")
      pgport=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pgconn")
      pguser=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pgconn")
      psql_admin() { psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres "$@"; }
      psql_admin -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" >/dev/null
      measure postgres "Host=$pghost;Port=$pgport;Username=$pguser;Database=$pgdb" ;;
    *) say "unknown store '$store'"; exit 2 ;;
  esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
