#!/usr/bin/env bash
# Queue throughput and idle pickup latency: Syncplane's durable queue (SQLite and PostgreSQL stores)
# against RQ (Debian's python3-rq on a private redis-server), default Worker and SimpleWorker, with the
# same number of workers, in one run on this machine. See docs/benchmarks.md.
#
#   bench/queue/run.sh                          # 2 workers each, 20,000 no-op runs, 500 trickled
#   WORKERS=4 JOBS=5000 bench/queue/run.sh
#   SYSTEMS="postgres pgbench" JOBS=5000 TRICKLE=100 bench/queue/run.sh   # a reduced run: PostgreSQL and its limit only
#
# Environment: WORKERS (worker processes per system, default: cores), JOBS (throughput runs, 20000),
# TRICKLE (pickup-latency runs, 500), INTERVAL_MS (between trickled runs, 20), CONCURRENCY (runs in
# flight per Syncplane worker process, default 1 = one run per worker, like an RQ worker),
# SYSTEMS (which to run, default all: "rq sqlite postgres pgbench"; rq = both RQ workers, sqlite includes the
# in-process pickup), REDIS_PORT (6390), PGBENCH_SECONDS (PostgreSQL's own one-row-update limit, 10), RESULTS (directory to keep raw results in; default a temp dir, removed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
WORKERS=${WORKERS:-$(nproc)}
JOBS=${JOBS:-20000}
TRICKLE=${TRICKLE:-500}
INTERVAL_MS=${INTERVAL_MS:-20}
CONCURRENCY=${CONCURRENCY:-1}
REDIS_PORT=${REDIS_PORT:-6390}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-10}
SYSTEMS=${SYSTEMS:-rq sqlite postgres pgbench}
PY=/usr/bin/python3   # Debian's python3, where python3-rq lives (not a pyenv shim)

say() { echo "queue-bench: $*" >&2; }
runs() { [[ " $SYSTEMS " == *" $1 "* ]]; } # whether SYSTEMS names $1

# --- peers -------------------------------------------------------------------------------------
if runs rq && { ! command -v redis-server >/dev/null 2>&1 || ! "$PY" -c 'import rq' 2>/dev/null; }; then
  say "installing redis-server python3-rq"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server python3-rq >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/queue-bench.XXXXXX")
results=${RESULTS:-$work/results}
mkdir -p "$results"
: >"$results/throughput.txt"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/redis.pid" ]; then kill "$(cat "$work/redis.pid")" 2>/dev/null || true; fi
  if [ -n "${pgdb:-}" ]; then psql_admin -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
  if [ -z "${RESULTS:-}" ]; then rm -rf "$work"; else rm -rf "$work"/{redis,sqlite,qb}; fi
}
trap cleanup EXIT

mkdir -p "$work/redis"
if runs rq; then
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$work/redis" --save '' --appendonly no \
  --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis/redis.log"
redis_url="redis://127.0.0.1:$REDIS_PORT/0"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# --- PostgreSQL: the tests' throwaway server, a database of our own per phase --------------------
pgconn=$("$repo/scripts/postgres-for-tests")
pghost=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pgconn")
pgport=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pgconn")
pguser=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pgconn")
psql_admin() { psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres "$@"; }
pgdb=queuebench_$$
fresh_postgres() {
  psql_admin -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" >/dev/null 2>&1
  echo "Host=$pghost;Port=$pgport;Username=$pguser;Database=$pgdb"
}
fresh_sqlite() {
  rm -rf "$work/sqlite"; mkdir -p "$work/sqlite"
  echo "sqlite:$work/sqlite/queue.db"
}

# --- Syncplane harness -------------------------------------------------------------------------
# Published as scripts/publish deploys syncplane: Release, ReadyToRun, for this machine (framework-dependent here), with
# syncplane's runtime settings; a plain build would JIT-compile Syncplane's and Npgsql's code in every fresh worker.
rid=$(dotnet --info | awk '/RID:/ { print $2; exit }')
say "publishing bench/queue/QueueBench (Release, ReadyToRun, $rid)"
dotnet publish -c Release -r "$rid" --self-contained false -nologo -v q -o "$work/qb" "$here/QueueBench/QueueBench.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
qb="$work/qb/queuebench"

now() { date +%s.%N; }

syncplane_throughput() { # system store
  local system=$1 store=$2 t0 t1 done i
  "$qb" enqueue "$store" "$JOBS" t >&2
  pids=()
  t0=$(now)
  for i in $(seq "$WORKERS"); do
    "$qb" work "$store" "$CONCURRENCY" "$work/tp-$system.started-$i" --exit-when-idle >"$results/cpu-$system-$i.txt" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  t1=$(now)
  pids=()
  done=$(cat "$work"/tp-"$system".started-* | wc -l)
  echo "$system $(echo "$t1 - $t0" | bc -l) $done" >>"$results/throughput.txt"
}

syncplane_pickup() { # system store
  local system=$1 store=$2 i
  pids=()
  for i in $(seq "$WORKERS"); do
    "$qb" work "$store" "$CONCURRENCY" "$results/pickup-$system.started-$i" >/dev/null &
    pids+=($!)
  done
  sleep 3 # start-up, migrations checked, LISTEN connection open, every worker idle
  "$qb" trickle "$store" "$TRICKLE" p "$INTERVAL_MS" "$results/pickup-$system.enqueued"
  sleep 6 # a worker that only polls (IdleWait 5 s) has drained by now
  for pid in "${pids[@]}"; do kill -TERM "$pid"; done
  for pid in "${pids[@]}"; do wait "$pid"; done
  pids=()
}

syncplane_pickup_inprocess() { # system store: the trickle runs inside worker 1's process (how `serve` enqueues)
  local system=$1 store=$2 i
  pids=()
  for i in $(seq 2 "$WORKERS"); do
    "$qb" work "$store" "$CONCURRENCY" "$results/pickup-$system.started-$i" >/dev/null &
    pids+=($!)
  done
  "$qb" work "$store" "$CONCURRENCY" "$results/pickup-$system.started-1" \
    --trickle "$TRICKLE" p "$INTERVAL_MS" "$results/pickup-$system.enqueued" >/dev/null
  sleep 6
  for pid in "${pids[@]}"; do kill -TERM "$pid"; done
  for pid in "${pids[@]}"; do wait "$pid"; done
  pids=()
}

# PostgreSQL's own commit rate on the same server: WORKERS pgbench clients, each a one-row UPDATE per transaction
# (its own row, so no lock waits), prepared statements; PGBENCH_SECONDS long. The limit a run's commit is held to.
pgbench_limit() { # system
  local out
  fresh_postgres >/dev/null
  psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d "$pgdb" \
    -c "CREATE TABLE one_row (id int PRIMARY KEY, n bigint NOT NULL)" -c "INSERT INTO one_row SELECT g, 0 FROM generate_series(0, $WORKERS - 1) g"
  echo 'UPDATE one_row SET n = n + 1 WHERE id = :client_id;' >"$work/one-row-update.sql"
  out=$(pgbench -n -M prepared -c "$WORKERS" -j "$WORKERS" -T "$PGBENCH_SECONDS" -f "$work/one-row-update.sql" \
    -h "$pghost" -p "$pgport" -U "$pguser" "$pgdb" 2>&1)
  echo "$out" >"$results/pgbench.txt"
  echo "$1 $PGBENCH_SECONDS $(awk -F': ' '/number of transactions actually processed/ {print $2}' <<<"$out")" >>"$results/throughput.txt"
}

rq_throughput() { # system worker-class
  local line
  line=$(cd "$here" && PYTHONPATH="$here" "$PY" rq_bench.py throughput "$redis_url" "$WORKERS" "$JOBS" "$2")
  echo "$1 $line" >>"$results/throughput.txt"
}

rq_pickup() { # system worker-class
  (cd "$here" && PYTHONPATH="$here" "$PY" rq_bench.py pickup "$redis_url" "$WORKERS" "$TRICKLE" "$INTERVAL_MS" "$2" "$results/pickup-$1.txt")
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores: $(nproc); workers per system: $WORKERS; Syncplane concurrency per worker: $CONCURRENCY"
  echo "jobs: $JOBS; trickle: $TRICKLE every $INTERVAL_MS ms"
  echo "systems: $SYSTEMS"
  if runs rq; then echo "rq: $("$PY" -c 'import rq; print(rq.__version__)'); redis-server: $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')"; fi
  echo "postgresql: $(psql_admin -tAc 'SHOW server_version')"
  echo "dotnet: $(dotnet --version)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/env.txt" >&2

if runs rq; then
  say "throughput: RQ default Worker"; rq_throughput rq-default rq.worker.Worker
  say "throughput: RQ SimpleWorker";   rq_throughput rq-simple rq.worker.SimpleWorker
fi
if runs sqlite; then say "throughput: Syncplane SQLite"; syncplane_throughput syncplane-sqlite "$(fresh_sqlite)"; fi
if runs postgres; then say "throughput: Syncplane PostgreSQL"; syncplane_throughput syncplane-postgres "$(fresh_postgres)"; fi
if runs pgbench; then say "limit: pgbench one-row updates"; pgbench_limit pgbench-one-row-update; fi
echo "load after throughput: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/env.txt" >&2

if runs rq; then
  say "pickup: RQ default Worker";   rq_pickup rq-default rq.worker.Worker
  say "pickup: RQ SimpleWorker";     rq_pickup rq-simple rq.worker.SimpleWorker
fi
if runs sqlite; then say "pickup: Syncplane SQLite"; syncplane_pickup syncplane-sqlite "$(fresh_sqlite)"; fi
if runs postgres; then say "pickup: Syncplane PostgreSQL"; syncplane_pickup syncplane-postgres "$(fresh_postgres)"; fi
if runs sqlite; then
  say "pickup: Syncplane SQLite, enqueued in a worker's process"; syncplane_pickup_inprocess syncplane-sqlite-inprocess "$(fresh_sqlite)"
fi
echo "load after pickup: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/env.txt" >&2

echo
echo "$JOBS no-op runs, $WORKERS workers per system ($(nproc) cores); pickup: $TRICKLE runs, one every $INTERVAL_MS ms, into idle workers"
echo
"$PY" "$here/summarize.py" "$results" "$JOBS" "$TRICKLE"
