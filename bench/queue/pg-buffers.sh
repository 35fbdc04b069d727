#!/usr/bin/env bash
# Buffer accesses and commits per run on PostgreSQL, by table: RUNS no-op runs (default 2,000) through
# bench/queue/QueueBench with WORKERS workers (2) on a fresh database of the tests' server; the
# counters are pg_stat_database / pg_statio_user_tables deltas over the work phase only (not the enqueue).
#
#   bench/queue/pg-buffers.sh            # RUNS=5000 WORKERS=2 bench/queue/pg-buffers.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNS=${RUNS:-2000}
WORKERS=${WORKERS:-2}
pgconn=$("$repo/scripts/postgres-for-tests")
pghost=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pgconn")
pgport=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pgconn")
pguser=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pgconn")
db=pgbuffers_$$
psql_db() { psql -qtA -h "$pghost" -p "$pgport" -U "$pguser" -d "$1" "${@:2}"; }
work=$(mktemp -d)
trap 'psql_db postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
psql_db postgres -c "CREATE DATABASE $db" -c "ALTER DATABASE $db SET track_functions = 'pl'" >/dev/null
store="Host=$pghost;Port=$pgport;Username=$pguser;Database=$db"

rid=$(dotnet --info | awk '/RID:/ { print $2; exit }') # published as run.sh does: ReadyToRun, as deployed
dotnet publish -c Release -r "$rid" --self-contained false -nologo -v q -o "$work/qb" "$here/QueueBench/QueueBench.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
qb="$work/qb/queuebench"
"$qb" enqueue "$store" "$RUNS" t >&2

snapshot() {
  psql_db "$db" -c "SELECT pg_stat_force_next_flush()" >/dev/null 2>&1 || true
  sleep 1 # statistics reach the views within PGSTAT_MIN_INTERVAL
  psql_db "$db" -F ' ' -c "SELECT 'db', blks_hit + blks_read, xact_commit FROM pg_stat_database WHERE datname = current_database()
    UNION ALL SELECT relname, COALESCE(heap_blks_hit, 0) + COALESCE(heap_blks_read, 0) + COALESCE(idx_blks_hit, 0) + COALESCE(idx_blks_read, 0)
      + COALESCE(toast_blks_hit, 0) + COALESCE(toast_blks_read, 0), 0 FROM pg_statio_user_tables
    UNION ALL SELECT 'idx:' || indexrelname, COALESCE(idx_blks_hit, 0) + COALESCE(idx_blks_read, 0), 0 FROM pg_statio_user_indexes WHERE relname = 'runs'
    UNION ALL SELECT 'upd:' || relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'runs'
    UNION ALL SELECT 'fn:' || funcname, round(total_time * 1000), calls FROM pg_stat_user_functions"
}
snapshot >"$work/before"
pids=()
for i in $(seq "$WORKERS"); do "$qb" work "$store" 1 "$work/started-$i" --exit-when-idle >/dev/null & pids+=($!); done
for pid in "${pids[@]}"; do wait "$pid"; done
done_runs=$(cat "$work"/started-* | wc -l)
snapshot >"$work/after"
echo "runs done: $done_runs"
join -a 2 -e 0 -o '0,1.2,1.3,2.2,2.3' <(sort "$work/before") <(sort "$work/after") | awk -v n="$done_runs" '
  $1 ~ /^upd:/ { d = $4 - $2; c = $5 - $3; printf "%-28s %8.2f updates/run, %.0f%% HOT\n", substr($1, 5) ":updates", d / n, (d > 0 ? 100 * c / d : 0); next }
  $1 ~ /^idx:/ { d = $4 - $2; if (d > 0) printf "%-28s %8.1f buffer accesses/run (index of runs)\n", $1, d / n; next }
  $1 ~ /^fn:/ { d = $4 - $2; c = $5 - $3; if (c > 0) printf "%-28s %8.1f us/run in %d calls\n", substr($1, 4), d / n, c; next }
  { d = $4 - $2; c = $5 - $3; if (d > 0 || c > 0) printf "%-28s %8.1f buffer accesses/run%s\n", $1, d / n, ($1 == "db" ? sprintf(", %.2f commits/run", c / n) : "") }' | sort -k2 -nr
