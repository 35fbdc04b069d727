#!/usr/bin/env bash
# The dashboard at TARGETS targets and RATE events/s (issue 16): first render, time to apply an event (its arrival to
# its target's row changing), and bytes per minute per tab, for today's dashboard and the old page (the one issue 16
# was filed against: OLD, a git revision, read with git show), in headless Chromium.
#
#   bench/dashboard/run.sh                                   # 1,000 targets, 20 events/s, 60 s per page
#   TARGETS=100 RATE=5 DURATION=10 bench/dashboard/run.sh     # a quick check
#   PAGES=new PROFILE=1 TARGETS=300 bench/dashboard/run.sh   # today's page only, with where its main-thread time goes
#   WWWROOT=$PWD/src/Syncplane.Server/Dashboard/wwwroot PAGES=new ... # the page as in the checkout, without a server build
#
# Events come from real runs: `syncplane serve` with a worker (CONCURRENCY runs at once) runs targets whose
# entrypoint is "true"; the client asks Sync now (POST /api/v1/targets/NAME/sync) RATE/3 times a second, and each run
# makes about three events (queued, started, succeeded). The client prints the rate the stream really carried.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
TARGETS=${TARGETS:-1000}
RATE=${RATE:-20}
SECONDS_PER_PAGE=${DURATION:-60}
PORT=${PORT:-18476}
CONCURRENCY=${CONCURRENCY:-4}
OLD=${OLD:-78d8158^} # the last revision with the single-file page (app.js, app.css, index.html)

work=$(mktemp -d "${TMPDIR:-/tmp}/dashboard-bench.XXXXXX")
serve_pid=
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release -nologo -v q "$repo/src/Syncplane.Cli/Syncplane.Cli.csproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build -c Release -nologo -v q "$here/DashboardBench/DashboardBench.csproj" >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
mkdir -p "$work/old"
for f in index.html app.js app.css; do git -C "$repo" show "$OLD:src/Syncplane.Server/Dashboard/wwwroot/$f" >"$work/old/$f"; done

{ echo "targets:"; for i in $(seq 1 "$TARGETS"); do echo "  t$i: { entrypoint: \"true\", layer: l$((i % 5)) }"; done; } >"$work/syncplane.yaml"
cd "$work"
dotnet "$repo/src/Syncplane.Cli/bin/Release/net10.0/syncplane.dll" serve --urls "http://127.0.0.1:$PORT" --anonymous-role operator --concurrency "$CONCURRENCY" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "syncplane serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "targets: $TARGETS; events/s asked: $RATE; seconds per page: $SECONDS_PER_PAGE; worker concurrency: $CONCURRENCY; old page: $OLD"
dotnet "$here/DashboardBench/bin/Release/net10.0/dashboardBench.dll" "http://127.0.0.1:$PORT" "$work/old" "$TARGETS" "$SECONDS_PER_PAGE" "$RATE"
