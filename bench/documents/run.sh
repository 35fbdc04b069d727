#!/usr/bin/env bash
# Documents (issue 14): a real `syncplane serve` (Release) on loopback with one document target (lz-state) whose http
# source reads RECORDS Cloud-Asset-shaped records from a static file (python3 -m http.server); one full sync
# (`syncplane run`) writes the document, then:
#   1. Pub/Sub push -> SSE: CLIENTS SSE clients on /api/v1/events?type=record.changed, EVENTS signed pushes of
#      TemporalAssets at RATE/s to /api/v1/webhooks/pubsub/targets/lz-state; latency from each POST to each client.
#   2. Conditional GETs of the document (If-None-Match -> 304) from CONNECTIONS loops for DURATION seconds: 304s per second.
# See docs/benchmarks.md.
#
#   bench/documents/run.sh                       # 50,000 records; 2,000 pushes at 100/s, 100 clients; 20 s of GETs; SQLite
#   STORE=postgres bench/documents/run.sh        # the same on PostgreSQL (the tests' server)
#
# Environment: RECORDS (50000), EVENTS (2000), RATE (100), CLIENTS (100), DURATION (20; not SECONDS, which bash counts itself), CONNECTIONS (64),
# STORE (sqlite|postgres), PORT (18472), FILE_PORT (18473).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
RECORDS=${RECORDS:-50000}
EVENTS=${EVENTS:-2000}
RATE=${RATE:-100}
CLIENTS=${CLIENTS:-100}
SECONDS_=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
STORE=${STORE:-sqlite}
PORT=${PORT:-18472}
FILE_PORT=${FILE_PORT:-18473}
TOKEN=bench-push-token

say() { echo "documents: $*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/documents-bench.XXXXXX")
serve_pid=
files_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  if [ -n "$files_pid" ]; then kill -TERM "$files_pid" 2>/dev/null || true; wait "$files_pid" 2>/dev/null || true; fi
  if [ -n "${pgdb:-}" ]; then psql_admin -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say "building syncplane and the bench client (Release)"
dotnet build -c Release -nologo -v q "$repo/src/Syncplane.Cli/Syncplane.Cli.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build -c Release -nologo -v q "$here/DocumentsBench/DocumentsBench.csproj" >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
syncplane="$repo/src/Syncplane.Cli/bin/Release/net10.0/syncplane"
bench="$here/DocumentsBench/bin/Release/net10.0/documentsBench"

# --- RECORDS searchAllResources results in one page, spread over five asset types ----------------------
mkdir -p "$work/files" "$work/cfg"
python3 - "$RECORDS" >"$work/files/assets.json" <<'PY'
import json, sys
types = ["cloudresourcemanager.googleapis.com/Project", "compute.googleapis.com/Network", "compute.googleapis.com/Instance",
         "container.googleapis.com/Cluster", "sqladmin.googleapis.com/Instance"]
n = int(sys.argv[1])
print(json.dumps({"results": [{"name": f"//bench.googleapis.com/projects/p{i % 97}/resources/r{i}", "assetType": types[i % 5],
    "project": f"projects/{i % 97}", "displayName": f"r{i}", "location": "europe-west1", "state": "ACTIVE",
    "labels": {"env": "prod", "team": f"t{i % 7}"}, "updateTime": "2026-03-01T10:00:00Z"} for i in range(n)]}))
PY
(cd "$work/files" && exec python3 -m http.server "$FILE_PORT" --bind 127.0.0.1) >"$work/files.log" 2>&1 &
files_pid=$!

printf '%s' "$TOKEN" >"$work/cfg/push-token"
cat >"$work/cfg/syncplane.yaml" <<YAML
webhooks:
  pubsub: { token: "\${file:push-token}" }
targets:
  lz-state:
    source: { http: { url: "http://127.0.0.1:$FILE_PORT/assets.json", records: results, key: [name] } }
    destination:
      document:
        groups:
          projects: cloudresourcemanager.googleapis.com/Project
          vpcs: compute.googleapis.com/Network
          vms: compute.googleapis.com/Instance
          gke_clusters: container.googleapis.com/Cluster
          databases: sqladmin.googleapis.com/Instance
    timeout: 30m
    events: { pubsub: {} }
YAML

store_args=()
if [ "$STORE" = postgres ]; then
  pgconn=$("$repo/scripts/postgres-for-tests")
  pghost=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pgconn")
  pgport=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pgconn")
  pguser=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pgconn")
  psql_admin() { psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres "$@"; }
  pgdb=documents_$$
  psql_admin -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" >/dev/null
  store_args=(--store "Host=$pghost;Port=$pgport;Username=$pguser;Database=$pgdb")
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "store: $STORE; records: $RECORDS; dotnet: $(dotnet --version)"
} >&2

for _ in $(seq 100); do curl -fs "http://127.0.0.1:$FILE_PORT/assets.json" -o /dev/null && break; sleep 0.1; done
say "full sync of $RECORDS records"
start=$(date +%s.%N)
"$syncplane" run --config "$work/cfg/syncplane.yaml" "${store_args[@]}" --target lz-state >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; exit 1; }
say "full sync took $(echo "$(date +%s.%N) - $start" | bc) s"

"$syncplane" serve --config "$work/cfg/syncplane.yaml" "${store_args[@]}" --urls "http://127.0.0.1:$PORT" \
  --anonymous-role viewer >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }

set +e
"$bench" conditional "http://127.0.0.1:$PORT" "$SECONDS_" "$CONNECTIONS"
conditional=$?
"$bench" events "http://127.0.0.1:$PORT" "$TOKEN" "$EVENTS" "$RATE" "$CLIENTS"
events=$?
set -e
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[ "$conditional" -eq 0 ] && [ "$events" -eq 0 ]
