#!/usr/bin/env bash
# Watch latency (issue 18 item 3): `syncplane serve` watches the big tree (watch: true, default debounce);
# one file is written, and the time until it exists at the destination with its content is measured,
# SAMPLES times; p50 / p99 are reported. The bar: 200 ms in the 100,000-file tree.
#
#   bench/dirsync/watch.sh                        # 100,000 files, 100 samples
#   FILES=10000 SAMPLES=20 bench/dirsync/watch.sh
#   STORE='Host=...;Database=...' bench/dirsync/watch.sh   # on PostgreSQL (default: SQLite)
#
# The store, the worker's wake-up, the claim, the two reads of only the changed path, the copy and the
# run record all fall inside the figure; the serve node is started and its first run (a full walk, as on
# every start) finishes before the first sample.
set -euo pipefail

FILES=${FILES:-100000}
SAMPLES=${SAMPLES:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/syncplane-watch.XXXXXX)}

RID=$(dotnet --info | awk '/RID:/ { print $2; exit }')
if [[ ! -f "$WORK/cli/syncplane.dll" ]]; then
  echo "publishing the CLI (Release, ReadyToRun, $RID)" >&2
  dotnet publish "$REPO/src/Syncplane.Cli" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true \
    -o "$WORK/cli" -v quiet -nologo >/dev/null
fi
CLI="$WORK/cli/syncplane.dll"

if [[ ! -d "$WORK/src" ]]; then
  echo "creating $FILES files under $WORK/src" >&2
  python3 "$HERE/make_tree.py" create "$WORK/src" --files "$FILES"
fi
rm -rf "$WORK/dst" "$WORK/.syncplane" "$WORK"/src/d*/s0/watch-probe-*

cat > "$WORK/syncplane.yaml" <<YAML
version: 1
targets:
  watched:
    source: { directory: { path: src, watch: true } }
    destination: { directory: { path: dst } }
    schedule: "@yearly"
YAML

store=()
[[ -n "${STORE:-}" ]] && store=(--store "$STORE")
(cd "$WORK" && exec dotnet "$CLI" serve --config "$WORK/syncplane.yaml" "${store[@]}" --urls http://127.0.0.1:0 >"$WORK/serve.log" 2>&1) &
SERVE=$!
trap 'kill "$SERVE" 2>/dev/null || true; wait "$SERVE" 2>/dev/null || true; [[ -n "${KEEP:-}" ]] || rm -rf "$WORK"' EXIT

echo "waiting for serve's first run (a full walk of $FILES files)" >&2
for _ in $(seq 1 1200); do
  grep -q "finished succeeded" "$WORK/serve.log" && break
  kill -0 "$SERVE" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.5
done
grep -q "finished succeeded" "$WORK/serve.log" || { echo "serve's first run did not finish" >&2; tail -20 "$WORK/serve.log" >&2; exit 1; }
grep "watch:" "$WORK/serve.log" | head -3 >&2

python3 "$HERE/watch_latency.py" "$WORK/src" "$WORK/dst" "$SAMPLES"
echo "runs: $(grep -c 'finished succeeded' "$WORK/serve.log"); last: $(grep 'finished succeeded' "$WORK/serve.log" | tail -1 | sed 's/.*finished succeeded: //')"
