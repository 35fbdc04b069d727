#!/usr/bin/env bash
# JSON API into SQL tables (issue 13): Syncplane's `sql` destination vs the naive upsert of every row vs
# a bulk COPY, side by side in one run, on a real PostgreSQL and on SQLite.
#
#   bench/sqlsync/run.sh                     # 1,000,000 records, pages of 5,000
#   RECORDS=50000 bench/sqlsync/run.sh
#   ENGINES=sqlite KEEP=1 bench/sqlsync/run.sh
#
# Environment: RECORDS (1000000), ROUNDS (5, of the 1%-changed phase), PAGE (5000), PORT (18491), ENGINES ("postgres sqlite"),
# PG (libpq/Npgsql key=value of the server, default the test server Host=127.0.0.1 Port=5433
# Username=postgres; a throwaway database is created and dropped), WORK, KEEP.
#
# server.py serves the records as Meta Graph API-style pages (data + paging.next, metrics as strings).
# Each tool, as a whole process under /usr/bin/time (wall seconds, peak RSS), in three phases:
#   initial   into an empty table
#   nochange  the same records again
#   changed   the server restarted with 1% of the records' metrics changed, ROUNDS times (each round changes the same
#             1% again), the tools in turn in each round; medians are compared, as one round is at the mercy of the machine
# Tools: syncplane (`syncplane run`, published Release), upsert (baseline.py: every row, one
# INSERT ... ON CONFLICT DO UPDATE per page, one transaction), copy (baseline.py: table emptied, whole
# set written with COPY / one executemany INSERT, one transaction).
# Rows written are the database's: PostgreSQL's pg_stat_user_tables n_tup_ins + n_tup_upd + n_tup_del
# deltas per table; SQLite's total_changes for the baselines and, for Syncplane, the rows that differ
# from a copy of the file taken before the run (every row Syncplane writes gets a new _synced_changed_at).
# Every measured process starts after a `sync`, so that none pays for the disk writes of the one before it.
# CPU seconds (user + sys) of each process are kept too: other load on the machine stretches wall time far more than CPU time.
# Records compared per second are given two ways: records / wall time of the whole `syncplane run` process (start-up,
# HTTP, comparing, writing, commit: the bar's measure), and records / the compare phase the run logs (first page
# request to the end of the merge with the table; its log line also splits it into source, checking and merging).
set -euo pipefail

RECORDS=${RECORDS:-1000000}
ROUNDS=${ROUNDS:-5}
PAGE=${PAGE:-5000}
PORT=${PORT:-18491}
ENGINES=${ENGINES:-postgres sqlite}
PG=${PG:-host=127.0.0.1 port=5433 user=postgres}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/syncplane-sqlsync.XXXXXX)}
RESULTS="$WORK/results.tsv"
DB=sqlbench_$$
say() { echo "sqlsync-bench: $*" >&2; }

# The system python has Debian's psycopg2; another python3 first on PATH may not.
PY=${PY:-}
for candidate in python3 /usr/bin/python3; do
  if [[ -z "$PY" ]] && "$candidate" -c 'import psycopg2, sqlite3' 2>/dev/null; then PY=$candidate; fi
done
missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
[[ -n "$PY" ]] || missing+=(python3-psycopg2)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if (( ${#missing[@]} )); then
  say "installing ${missing[*]}"
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
  PY=${PY:-/usr/bin/python3}
fi

server_pid=
stop_server() { if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=; fi; }
cleanup() {
  stop_server
  if [[ " $ENGINES " == *" postgres "* ]]; then psql "$PG dbname=postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; fi
  [[ -n "${KEEP:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

start_server() { # version
  stop_server
  # Another server on the port (a leftover server.py binds with SO_REUSEPORT) would answer some of the requests.
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then say "something already listens on port $PORT; stop it or set PORT"; exit 1; fi
  "$PY" "$HERE/server.py" "$PORT" "$RECORDS" "$PAGE" "$1" >"$WORK/server.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do grep -q ready "$WORK/server.out" 2>/dev/null && return; sleep 0.2; done
  say "server did not start"; cat "$WORK/server.out" >&2; exit 1
}

RID=$(dotnet --info | awk '/RID:/ { print $2; exit }')
say "publishing the CLI (Release, ReadyToRun, $RID)"
dotnet publish "$REPO/src/Syncplane.Cli" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true \
  -o "$WORK/cli" -v quiet -nologo >/dev/null
CLI="$WORK/cli/syncplane.dll"

if [[ " $ENGINES " == *" postgres "* ]]; then
  psql "$PG dbname=postgres" -qc "CREATE DATABASE $DB" >/dev/null
fi
PGDB="$PG dbname=$DB"
NPGSQL="Host=$(sed -E 's/.*host=([^ ]+).*/\1/' <<<"$PG");Port=$(sed -E 's/.*port=([^ ]+).*/\1/' <<<"$PG");Username=$(sed -E 's/.*user=([^ ]+).*/\1/' <<<"$PG");Database=$DB"
URL="http://127.0.0.1:$PORT/v19.0/act_1/insights?limit=$PAGE"

cat >"$WORK/syncplane.yaml" <<YAML
version: 1
targets:
$(for engine in $ENGINES; do
  if [[ $engine == postgres ]]; then conn="$NPGSQL"; else conn="syncplane.db"; fi
  cat <<T
  $engine:
    source: { http: { url: "$URL", records: data, key: [id], next: paging.next } }
    destination:
      sql:
        connection: "$conn"
        table: metrics_syncplane
        columns: { date_start: date, spend: numeric, impressions: integer, clicks: integer, conversions: integer, revenue: numeric }
T
done)
YAML

pg_written() { # table -> inserted+updated+deleted so far
  psql "$PGDB" -qtAc "SELECT pg_stat_force_next_flush(); SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables WHERE relname = '$1'" | tail -1
}

run_tool() { # engine tool
  local target
  if [[ $1 == postgres ]]; then target=$PGDB; else target="$WORK/$2.db"; fi
  case $2 in
    syncplane) (cd "$WORK" && dotnet "$CLI" run --config "$WORK/syncplane.yaml" --target "$1" --ci) ;;
    *) "$PY" "$HERE/baseline.py" "$2" "$1" "$target" "metrics_$2" "$URL" ;;
  esac
}

measure() { # engine tool phase
  local engine=$1 tool=$2 phase=$3 before=0 written out="$WORK/time.out" log="$WORK/$1-$2-$3.log"
  if [[ $engine == postgres ]]; then
    before=$(pg_written "metrics_$tool")
  elif [[ $tool == syncplane ]]; then
    rm -f "$WORK/before.db"; [[ -f "$WORK/syncplane.db" ]] && cp "$WORK/syncplane.db" "$WORK/before.db"
  fi
  sync # no tool pays for writing back the files of the one before it, or the bench's copy above
  if ! /usr/bin/time -f '%e %M %U %S' -o "$out" bash -c "$(declare -f run_tool); WORK='$WORK' CLI='$CLI' PY='$PY' HERE='$HERE' PGDB='$PGDB' URL='$URL' run_tool $engine $tool" >"$log" 2>&1; then
    say "$tool on $engine failed in $phase:"; tail -20 "$log" >&2; exit 1
  fi
  read -r seconds kb user sys < <(tail -1 "$out")
  if [[ $engine == postgres ]]; then
    sleep 0.5 # the finished client's backend flushes its counters as it exits
    written=$(( $(pg_written "metrics_$tool") - before ))
  elif [[ $tool == syncplane ]]; then
    if [[ -f "$WORK/before.db" ]]; then
      written=$(sqlite3 "$WORK/syncplane.db" "ATTACH '$WORK/before.db' AS b;
        SELECT (SELECT count(*) FROM (SELECT * FROM main.metrics_syncplane EXCEPT SELECT * FROM b.metrics_syncplane))
             + (SELECT count(*) FROM (SELECT id FROM b.metrics_syncplane EXCEPT SELECT id FROM main.metrics_syncplane));")
    else
      written=$(sqlite3 "$WORK/syncplane.db" "SELECT count(*) FROM metrics_syncplane")
    fi
  else
    written=$(awk '/^rows_written/ { print $2 }' "$log")
  fi
  local compare=-
  if [[ $tool == syncplane ]]; then # the run's own log: "sql destination: compared N record(s) in S s (...)"
    compare=$(sqlite3 "$WORK/.syncplane/syncplane.db" "SELECT message FROM run_logs WHERE message LIKE 'sql destination: compared %'
      ORDER BY run_id DESC, seq DESC LIMIT 1" | sed -E 's/^.* in ([0-9.]+) s .*$/\1/')
  fi
  local cpu; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$tool" "$phase" "$seconds" "$kb" "$written" "${compare:--}" "$cpu" >>"$RESULTS"
  say "$(printf '%-8s %-9s %-8s %8.2f s %8d KB %9d rows %7.2f s CPU' "$engine" "$tool" "$phase" "$seconds" "$kb" "$written" "$cpu")"
}

TOOLS=(syncplane upsert copy)
: >"$RESULTS"
say "serving $RECORDS records in pages of $PAGE"
start_server 0
for engine in $ENGINES; do
  for tool in "${TOOLS[@]}"; do measure "$engine" "$tool" initial; done
  for tool in "${TOOLS[@]}"; do measure "$engine" "$tool" nochange; done
done
# The 1%-changed re-sync in ROUNDS rounds, the tools in turn in each: round r serves version r, whose changed 1% differs
# from the version before, so every round is a 1%-changed re-sync for every tool. The summary takes each tool's median.
for round in $(seq 1 "$ROUNDS"); do
  say "serving the same records with 1% changed (round $round of $ROUNDS)"
  start_server "$round"
  for engine in $ENGINES; do
    for tool in "${TOOLS[@]}"; do measure "$engine" "$tool" changed; done
  done
done
stop_server

# The tables must agree: Syncplane's rows equal the upsert's.
for engine in $ENGINES; do
  if [[ $engine == postgres ]]; then
    diff=$(psql "$PGDB" -qtAc "SELECT count(*) FROM (SELECT id, date_start, spend, impressions, clicks, conversions, revenue FROM metrics_syncplane
      EXCEPT SELECT id, date_start, spend, impressions, clicks, conversions, revenue FROM metrics_upsert) d")
  else
    diff=$(sqlite3 "$WORK/syncplane.db" "ATTACH '$WORK/upsert.db' AS u; SELECT count(*) FROM (
      SELECT id, date_start, spend + 0, impressions, clicks, conversions, revenue + 0 FROM main.metrics_syncplane
      EXCEPT SELECT id, date_start, spend + 0, impressions, clicks, conversions, revenue + 0 FROM u.metrics_upsert)")
  fi
  say "$engine: rows of Syncplane's table that differ from the upsert's: $diff"
done

echo >&2
"$PY" "$HERE/summarize.py" "$RESULTS" "$RECORDS" "$(nproc)"
