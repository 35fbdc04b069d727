#!/usr/bin/env bash
# The dashboard at TARGETS targets and RATE events/s (issue 16): first render, main-thread time spent on events,
# and bytes per minute per tab, for today's dashboard and the old one from main (git show), in headless Chromium.
#
#   bench/dashboard/run.sh                                  # 1,000 targets, 20 events/s, 60 s per page
#   TARGETS=100 RATE=5 DURATION=10 bench/dashboard/run.sh    # a quick check
#
# Events come from real runs: `syncplane serve` with a worker runs targets whose entrypoint is "true"; each
# Sync now (POST /api/v1/targets/NAME/sync) makes about three events (queued, started, succeeded).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
TARGETS=${TARGETS:-1000}
RATE=${RATE:-20}
SECONDS_PER_PAGE=${DURATION:-60}
PORT=${PORT:-18476}
OLD=${OLD:-main}

work=$(mktemp -d "${TMPDIR:-/tmp}/dashboard-bench.XXXXXX")
serve_pid=; load_pid=
cleanup() { [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null; [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release -nologo -v q "$repo/src/Syncplane.Cli/Syncplane.Cli.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build -c Release -nologo -v q "$here/DashboardBench/DashboardBench.csproj" >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
mkdir -p "$work/old"
for f in index.html app.js app.css; do git -C "$repo" show "$OLD:src/Syncplane.Server/Dashboard/wwwroot/$f" >"$work/old/$f"; done

{ echo "targets:"; for i in $(seq 1 "$TARGETS"); do echo "  t$i: { entrypoint: \"true\", layer: l$((i % 5)) }"; done; } >"$work/syncplane.yaml"
cd "$work"
dotnet "$repo/src/Syncplane.Cli/bin/Release/net10.0/syncplane.dll" serve --urls "http://127.0.0.1:$PORT" --anonymous-role operator >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# RATE events/s ≈ RATE/3 syncs/s, spread over the targets.
( i=0; while :; do i=$(( i % TARGETS + 1 )); curl -fs -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/targets/t$i/sync" || true; sleep "$(echo "scale=3; 3 / $RATE" | bc)"; done ) &
load_pid=$!

echo "targets: $TARGETS; events/s: ~$RATE; seconds per page: $SECONDS_PER_PAGE; old page: $OLD"
dotnet "$here/DashboardBench/bin/Release/net10.0/dashboardBench.dll" "http://127.0.0.1:$PORT" "$work/old" "$TARGETS" "$SECONDS_PER_PAGE"
