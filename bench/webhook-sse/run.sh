#!/usr/bin/env bash
# Webhook → SSE end-to-end latency (issue 4): a real `syncplane serve` (Release) on loopback, CLIENTS SSE
# clients on GET /api/v1/events, DELIVERIES signed GitHub push deliveries posted at RATE/s to
# POST /api/v1/webhooks/github; each delivery's latency runs from the POST being sent to each client
# receiving the run.succeeded event of the run it queued. See docs/benchmarks.md.
#
#   bench/webhook-sse/run.sh                        # 2,000 deliveries at 100/s, 100 clients, SQLite
#   STORE=postgres bench/webhook-sse/run.sh         # the same on PostgreSQL (the tests' server)
#   MODE=entrypoint bench/webhook-sse/run.sh        # targets run `entrypoint: "true"` (a process per run)
#   INTAKE=1 bench/webhook-sse/run.sh               # intake capacity (issue 18): 1,000 deliveries/s for 30 s, no SSE
#   INTAKE=1 STORE=postgres bench/webhook-sse/run.sh #   clients, every 20th sent twice; POST -> 202 and nothing lost or twice
#
# Environment: DELIVERIES (2000), RATE (100), CLIENTS (100), TARGETS (deliveries spread round-robin over
# this many targets, 50), CONCURRENCY (worker concurrency of serve, 4), MODE (directory: an empty
# directory mirrored to an empty directory, no process spawned; or entrypoint), STORE (sqlite|postgres),
# WARMUP (1: first one delivery per target, each target's first run, reported apart as the cold figure and left out of
# the measured window; 0: the window starts cold), KEEP (1: keep the work directory with serve.log, and the PostgreSQL database), PORT (18471), SYNCPLANE_BIN (a published syncplane to run instead of publishing this tree's, for A/B runs of two builds), TRACE_STAGES (1: serve keeps stage times and prints them when it stops; 0: off). With INTAKE=1: RATE defaults to 1000 and DELIVERIES to RATE × DURATION (30 s).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
INTAKE=${INTAKE:-}
if [ -n "$INTAKE" ]; then
  RATE=${RATE:-1000}
  DURATION=${DURATION:-30}
  DELIVERIES=${DELIVERIES:-$((RATE * DURATION))}
fi
DELIVERIES=${DELIVERIES:-2000}
RATE=${RATE:-100}
CLIENTS=${CLIENTS:-100}
TARGETS=${TARGETS:-50}
CONCURRENCY=${CONCURRENCY:-4}
MODE=${MODE:-directory}
STORE=${STORE:-sqlite}
PORT=${PORT:-18471}
WARMUP=${WARMUP:-1}
SECRET=bench-webhook-secret

say() { echo "webhook-sse: $*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/webhook-sse.XXXXXX")
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ]; then echo "kept: $work (serve.log)${pgdb:+ and database $pgdb}" >&2; exit; fi
  if [ -n "${pgdb:-}" ]; then psql_admin -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Published the way it is deployed (scripts/publish): Release, ReadyToRun, for this machine; framework-dependent here.
rid=$(dotnet --info | awk '/RID:/ { print $2; exit }')
if [ -n "${SYNCPLANE_BIN:-}" ]; then
  say "using $SYNCPLANE_BIN; building the bench client"
  syncplane=$SYNCPLANE_BIN
else
  say "publishing syncplane (Release, ReadyToRun, $rid) and building the bench client"
  dotnet publish "$repo/src/Syncplane.Cli" -c Release -r "$rid" --self-contained false -nologo -v q -o "$work/cli" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  syncplane="$work/cli/syncplane"
fi
dotnet build -c Release -nologo -v q "$here/WebhookSseBench/WebhookSseBench.csproj" >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
bench="$here/WebhookSseBench/bin/Release/net10.0/webhooksseBench"

# --- config: TARGETS no-op targets, target i matched by pushes to bench/repo-i on main ----------------
mkdir -p "$work/cfg/empty"
printf '%s' "$SECRET" >"$work/cfg/github-secret"
{
  echo 'webhooks:'
  echo '  github: { secret: "${file:github-secret}" }'
  echo 'targets:'
  for i in $(seq 0 $((TARGETS - 1))); do
    echo "  noop-$i:"
    if [ "$MODE" = entrypoint ]; then
      echo '    entrypoint: "true"'
    else
      echo '    source: { directory: { path: empty } }'
      echo "    destination: { directory: { path: out/$i } }"
    fi
    echo "    trigger: { webhook: { github: { repository: bench/repo-$i, branch: main } } }"
  done
} >"$work/cfg/syncplane.yaml"

store_args=()
if [ "$STORE" = postgres ]; then
  pgconn=$("$repo/scripts/postgres-for-tests")
  pghost=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pgconn")
  pgport=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pgconn")
  pguser=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pgconn")
  psql_admin() { psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres "$@"; }
  pgdb=webhooksse_$$
  psql_admin -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" >/dev/null
  store_args=(--store "Host=$pghost;Port=$pgport;Username=$pguser;Database=$pgdb")
  # The limit beside the figures: PostgreSQL's own commit latency for a one-row update on this server, now.
  if command -v pgbench >/dev/null; then
    psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d "$pgdb" -c "CREATE TABLE pgbench_one (id int PRIMARY KEY, n bigint); INSERT INTO pgbench_one VALUES (1, 0)"
    echo 'UPDATE pgbench_one SET n = n + 1 WHERE id = 1;' >"$work/one-row-update.sql"
    pgbench -n -h "$pghost" -p "$pgport" -U "$pguser" -c 1 -T 5 -f "$work/one-row-update.sql" "$pgdb" 2>/dev/null |
      awk '/latency average/ { l = $4 } /^tps/ { t = $3 } END { printf "pgbench, one-row update, 1 client, 5 s: commit latency %s ms average (%.0f commits/s)\n", l, t }' >&2
  else
    say "no pgbench: PostgreSQL's own commit latency is not measured"
  fi
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "store: $STORE; mode: $MODE; targets: $TARGETS; serve --concurrency $CONCURRENCY; dotnet: $(dotnet --version)"
} >&2

SYNCPLANE_TRACE_STAGES=${TRACE_STAGES:-1} "$syncplane" serve --config "$work/cfg/syncplane.yaml" "${store_args[@]}" --urls "http://127.0.0.1:$PORT" \
  --anonymous-role viewer --concurrency "$CONCURRENCY" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }

set +e
if [ "$WARMUP" = 1 ]; then
  # A fresh node's first run of each target (connections opened, statements prepared, code compiled): the cold figure.
  "$bench" "http://127.0.0.1:$PORT" "$SECRET" "$TARGETS" "$RATE" 1 "$TARGETS" | sed 's/^/warm-up, first run of each target: /'
fi
# serve's CPU time (user + system, seconds) so far: the measured window's share is printed per delivery, which the
# loaded machine's wall-clock figures cannot show.
serve_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$serve_pid/stat"; }
cpu_before=$(serve_cpu)
# PostgreSQL's CPU in the same window when its server runs on this machine: the postmaster's own and reaped children's
# ticks and its living backends' (serve's pooled connections live through the window).
pg_cpu() {
  [ -n "${pgmaster:-}" ] || return 0
  { cat "/proc/$pgmaster/stat"; cat $(grep -l "^PPid:[[:space:]]*$pgmaster\$" /proc/[0-9]*/status 2>/dev/null | sed 's/status$/stat/') 2>/dev/null; } |
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); t += $12 + $13 + $14 + $15 } END { printf "%.2f", t / hz }'
}
if [ "$STORE" = postgres ]; then
  pgdata=$(psql -qtA -h "$pghost" -p "$pgport" -U "$pguser" -d "$pgdb" -c 'SHOW data_directory' 2>/dev/null || true)
  pgmaster=$(head -1 "$pgdata/postmaster.pid" 2>/dev/null || true)
fi
pg_before=$(pg_cpu)
if [ -n "$INTAKE" ]; then
  "$bench" "http://127.0.0.1:$PORT" "$SECRET" "$DELIVERIES" "$RATE" 0 "$TARGETS" intake
else
  "$bench" "http://127.0.0.1:$PORT" "$SECRET" "$DELIVERIES" "$RATE" "$CLIENTS" "$TARGETS"
fi
status=$?
cpu_after=$(serve_cpu)
pg_after=$(pg_cpu)
set -e
awk -v a="$cpu_before" -v b="$cpu_after" -v n="$DELIVERIES" 'BEGIN { printf "serve CPU in the measured window: %.2f s (%.3f ms per delivery)\n", b - a, (b - a) * 1000 / n }'
if [ -n "$pg_before" ]; then
  awk -v a="$pg_before" -v b="$pg_after" -v n="$DELIVERIES" 'BEGIN { printf "PostgreSQL CPU in the measured window: %.2f s (%.3f ms per delivery)\n", b - a, (b - a) * 1000 / n }'
fi
# serve prints where the time went, stage by stage (milliseconds; batch.size in deliveries), when it stops.
kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; serve_pid=
grep '^stage ' "$work/serve.log" >&2 || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit $status
