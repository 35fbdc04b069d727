#!/usr/bin/env bash
# Directory mirror benchmark: Syncplane vs rsync -a --delete vs rclone sync, on the same machine, in one run,
# with the machine's limits beside them: `cp -a` of the tree (first copy) and `find` over both trees (re-sync).
#
#   bench/dirsync/run.sh                  # 100,000 files, 5 rounds (median reported)
#   FILES=10000 ROUNDS=3 bench/dirsync/run.sh
#   WORK=/some/dir KEEP=1 bench/dirsync/run.sh   # keep the trees afterwards
#
# Each round, for each tool, measures the whole process with /usr/bin/time (wall seconds, peak RSS, and CPU
# seconds, which a loaded machine distorts least):
#   initial   copy into an empty destination
#   nochange  re-sync with nothing changed
#   changed   re-sync after make_tree.py rewrote 1% of the files (half of them with the same size)
#   fixed     syncplane only: a run of a target whose source is one empty directory (process start,
#             config load, store open and migration check, run record): the cost every run pays
# Limits, timed the same way: `cp -a src dst-cp` for the initial copy (no temp files, no renames, no
# compare), `find src dst-rsync -printf '%s %T@'` for the re-syncs (one stat per entry of both trees,
# single-threaded, no compare).
# The page cache cannot be dropped here, so every tool runs warm; the median of the rounds is reported.
set -euo pipefail

FILES=${FILES:-100000}
ROUNDS=${ROUNDS:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/syncplane-dirsync.XXXXXX)}
RESULTS="$WORK/results.tsv"

missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
command -v rsync >/dev/null || missing+=(rsync)
command -v rclone >/dev/null || missing+=(rclone)
if (( ${#missing[@]} )); then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in rsync rclone python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

# Published the way it is deployed: Release, ReadyToRun (precompiled, so a short run does not pay for
# JIT-compiling the YAML, SQLite and command-line libraries), framework-dependent, for this machine.
RID=$(dotnet --info | awk '/RID:/ { print $2; exit }')
echo "publishing the CLI (Release, ReadyToRun, $RID)" >&2
dotnet publish "$REPO/src/Syncplane.Cli" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true \
  -o "$WORK/cli" -v quiet -nologo >/dev/null
CLI="$WORK/cli/syncplane.dll"
[[ -f "$CLI" ]] || { echo "no CLI at $CLI" >&2; exit 1; }

if [[ ! -d "$WORK/src" ]]; then
  echo "creating $FILES files under $WORK/src" >&2
  python3 "$HERE/make_tree.py" create "$WORK/src" --files "$FILES"
fi

cat > "$WORK/syncplane.yaml" <<YAML
version: 1
targets:
  bench:
    source: { directory: { path: src } }
    destination: { directory: { path: dst-syncplane, delete: true } }
  fixed:
    source: { directory: { path: src-empty } }
    destination: { directory: { path: dst-empty } }
YAML
mkdir -p "$WORK/src-empty"

run_tool() {
  case "$1" in
    rsync) rsync -a --delete "$WORK/src/" "$WORK/dst-rsync/" ;;
    rclone) rclone sync "$WORK/src" "$WORK/dst-rclone" --links --create-empty-src-dirs --metadata ;;
    syncplane) (cd "$WORK" && dotnet "$CLI" run --config "$WORK/syncplane.yaml" --target bench --ci) ;;
    fixed) (cd "$WORK" && dotnet "$CLI" run --config "$WORK/syncplane.yaml" --target fixed --ci) ;;
    cp) cp -a "$WORK/src" "$WORK/dst-cp" ;;
    find) find "$WORK/src" "$WORK/dst-rsync" -printf '%s %T@\n' >/dev/null ;;
  esac
}

measure() { # tool scenario round
  local out="$WORK/time.out"
  if ! /usr/bin/time -f '%e %M %U %S' -o "$out" bash -c "$(declare -f run_tool); WORK='$WORK' CLI='$CLI' run_tool $1" >"$WORK/$1.log" 2>&1; then
    echo "$1 failed in $2 (round $3):" >&2
    tail -20 "$WORK/$1.log" >&2
    exit 1
  fi
  read -r seconds kb user sys < <(tail -1 "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$seconds" "$kb" "$user" "$sys" >>"$RESULTS"
  printf '  %-9s %-8s %6.2f s %7d KB  cpu %5.2f s\n' "$1" "$2" "$seconds" "$kb" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" >&2
}

TOOLS=(rsync rclone syncplane)
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  for tool in "${TOOLS[@]}"; do
    rm -rf "$WORK/dst-$tool" "$WORK/.syncplane"
    measure "$tool" initial "$round"
  done
  rm -rf "$WORK/dst-cp"
  measure cp initial "$round"
  for tool in "${TOOLS[@]}"; do measure "$tool" nochange "$round"; done
  measure find nochange "$round"
  measure fixed nochange "$round"
  python3 "$HERE/make_tree.py" mutate "$WORK/src" "$round"
  for tool in "${TOOLS[@]}"; do measure "$tool" changed "$round"; done
  measure find changed "$round"
done

# The mirrors must agree: same names, kinds, sizes, mtimes, modes and link targets as rsync's.
# (The destination root's own mtime is the one thing rsync copies and Syncplane does not: the root
# is not an item.)
DIFF=$(rsync -an --delete -i "$WORK/dst-rsync/" "$WORK/dst-syncplane/" | grep -v ' \./$' || true)
if [[ -n "$DIFF" ]]; then
  echo "WARNING: Syncplane's mirror differs from rsync's:" >&2
  head -20 <<<"$DIFF" >&2
else
  echo "mirrors agree: Syncplane's destination matches rsync's (names, kinds, sizes, mtimes, modes, links)" >&2
fi

echo >&2
python3 "$HERE/summarize.py" "$RESULTS" "$FILES" "$(nproc)"
[[ -n "${KEEP:-}" ]] || rm -rf "$WORK"
