#!/usr/bin/env bash
# The REST API under wrk on loopback (issues 4 and 18): requests/s and latency percentiles of a real
# `syncplane serve` (Release) for GET /api/v1/targets?limit=LIMIT (the whole list) and GET /api/v1/targets/{name},
# beside the limits: an empty handler on the same Kestrel host (bench/api/EmptyHandler) under the same wrk, and the
# same host answering the list's own bytes, read once from a file (the limit for an answer that size).
# See docs/benchmarks.md.
#
#   bench/api/run.sh                          # 1,000 targets, wrk -t2 -c50 -d20s per phase, SQLite store
#   TARGETS=5000 DURATION=30s bench/api/run.sh
#
# Environment: TARGETS (1000), LIMIT (page size, 1000), THREADS (2), CONNECTIONS (50), DURATION (20s), PORT (18472).
# Authentication: a viewer token made in the store when the CLI has `syncplane token create`,
# otherwise `serve --anonymous-role viewer` (the same authorization path, minus the token lookup).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
TARGETS=${TARGETS:-1000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-20s}
PORT=${PORT:-18472}
LIMIT=${LIMIT:-1000}   # page size: the whole list in one response (the API's default page is 100)

say() { echo "api-bench: $*" >&2; }
if ! command -v wrk >/dev/null 2>&1; then
  say "installing wrk"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/api-bench.XXXXXX")
serve_pid= empty_pid=
cleanup() {
  for pid in $serve_pid $empty_pid; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say "building syncplane (Release)"
dotnet build -c Release -nologo -v q "$repo/src/Syncplane.Cli/Syncplane.Cli.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
syncplane="$repo/src/Syncplane.Cli/bin/Release/net10.0/syncplane"
dotnet build -c Release -nologo -v q "$here/EmptyHandler/EmptyHandler.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
empty="$here/EmptyHandler/bin/Release/net10.0/emptyhandler"

mkdir -p "$work/cfg"
{
  echo 'targets:'
  for i in $(seq 1 "$TARGETS"); do
    printf '  target-%04d: { description: "benchmark target %d", entrypoint: "true" }\n' "$i" "$i"
  done
} >"$work/cfg/syncplane.yaml"

auth=() serve_auth=(--anonymous-role viewer) how="serve --anonymous-role viewer (no token)"
if "$syncplane" token create --help >/dev/null 2>&1; then
  token=$("$syncplane" token create --config "$work/cfg/syncplane.yaml" --name bench --role viewer 2>/dev/null | head -1 || true)
  if [ -n "$token" ]; then
    auth=(-H "Authorization: Bearer $token") serve_auth=() how="viewer token (Authorization: Bearer)"
  fi
fi

# The targets have no schedule (manual), so the node's worker and scheduler stay idle during the measurement.
"$syncplane" serve --config "$work/cfg/syncplane.yaml" --urls "http://127.0.0.1:$PORT" "${serve_auth[@]}" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "${auth[@]}" "http://127.0.0.1:$PORT/api/v1/targets?limit=$LIMIT" -o "$work/targets.json" || { cat "$work/serve.log" >&2; exit 1; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "targets: $TARGETS; response: $(wc -c <"$work/targets.json") bytes; auth: $how; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
} >&2
# One phase: a 3 s warm-up, then DURATION with latency percentiles; keeps wrk's output as $work/NAME.wrk.
phase() { # name url [auth...]
  local name=$1 url=$2; shift 2
  say "$name: $url (warm-up 3s, then $DURATION)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$@" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" | tee "$work/$name.wrk"
}
phase list "http://127.0.0.1:$PORT/api/v1/targets?limit=$LIMIT" "${auth[@]}"
one_target=$(printf "target-%04d" $(( (TARGETS + 1) / 2 )))
phase one "http://127.0.0.1:$PORT/api/v1/targets/$one_target" "${auth[@]}"
kill -TERM "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=

# The limits: the same wrk against an empty handler on the same Kestrel host, nothing else running, and against the
# same host sending the list's bytes (as fetched above) from memory.
"$empty" "http://127.0.0.1:$PORT" "$work/targets.json" >"$work/empty.log" 2>&1 &
empty_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
phase empty "http://127.0.0.1:$PORT/"
phase bytes "http://127.0.0.1:$PORT/file"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

rate() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/$1.wrk"; }
p99() { awk '$1 == "99%" {print $2}' "$work/$1.wrk"; }
list=$(rate list) one=$(rate one) empty_rate=$(rate empty) bytes_rate=$(rate bytes)
echo
echo "| request | requests/s | p99 | bar |"
echo "|---|---|---|---|"
echo "| GET /api/v1/targets?limit=$LIMIT ($TARGETS targets) | $list | $(p99 list) | ≥ 3,176 (4× 794): $([ "$list" -ge 3176 ] && echo pass || echo FAIL) |"
echo "| GET /api/v1/targets/$one_target | $one | $(p99 one) | ≥ 20,000: $([ "$one" -ge 20000 ] && echo pass || echo FAIL) |"
echo "| empty handler, same host (the limit for one target) | $empty_rate | $(p99 empty) | – |"
echo "| the list's $(wc -c <"$work/targets.json") bytes from memory, same host (the limit for the list) | $bytes_rate | $(p99 bytes) | – |"
echo
echo "one target / empty handler: $(echo "scale=2; $one / $empty_rate" | bc -l)"
echo "list / its bytes from memory: $(echo "scale=2; $list / $bytes_rate" | bc -l)"
