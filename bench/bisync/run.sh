#!/usr/bin/env bash
# Two-way sync benchmark: Syncplane (direction: bidirectional) vs unison -batch vs rclone bisync, on the same
# trees, on the same machine, in one run.
#
#   bench/bisync/run.sh                  # 100,000 files, 1 round (about 15 minutes on 2 quiet cores)
#   ROUNDS=3 bench/bisync/run.sh         # the median of 3 rounds (about three times as long)
#   FILES=5000 bench/bisync/run.sh
#   WORK=/some/dir KEEP=1 bench/bisync/run.sh   # keep the trees afterwards
#   WORK=/some/dir REUSE_CLI=1 bench/bisync/run.sh  # reuse the CLI an earlier run published there
#
# Each tool gets its own pair of folders, a (the tree of bench/dirsync/make_tree.py) and b (empty), and each
# round measures the whole process with /usr/bin/time (wall seconds, CPU seconds user + system, peak RSS):
#   first     the first two-way run (unison with no archive, rclone bisync --resync, syncplane run --resync)
#   nochange  a re-sync with nothing changed
#   changed   a re-sync after 1% of the files changed on each side (different files on each side)
# The page cache cannot be dropped here, so every tool runs warm; the median of the rounds is reported. CPU seconds
# are printed beside wall seconds: on a busy machine they say more (unison uses one core, Syncplane walks on all).
set -euo pipefail

FILES=${FILES:-100000}
ROUNDS=${ROUNDS:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/syncplane-bisync.XXXXXX)}
RESULTS="$WORK/results.tsv"

missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
command -v unison >/dev/null || missing+=(unison)
command -v rclone >/dev/null || missing+=(rclone)
if (( ${#missing[@]} )); then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in unison rclone python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

CLI="$WORK/cli/syncplane.dll"
if [[ -n "${REUSE_CLI:-}" && -f "$CLI" ]]; then
  echo "reusing the CLI in $WORK/cli" >&2
else
  RID=$(dotnet --info | awk '/RID:/ { print $2 }' | head -1)
  echo "publishing the CLI (Release, ReadyToRun, $RID)" >&2
  if ! dotnet publish "$REPO/src/Syncplane.Cli" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true \
    -o "$WORK/cli" -v quiet -nologo >"$WORK/publish.log" 2>&1; then
    tail -20 "$WORK/publish.log" >&2
    exit 1
  fi
fi
[[ -f "$CLI" ]] || { echo "no CLI at $CLI" >&2; exit 1; }

if [[ ! -d "$WORK/tree" ]]; then
  echo "creating $FILES files under $WORK/tree" >&2
  python3 "$REPO/bench/dirsync/make_tree.py" create "$WORK/tree" --files "$FILES"
fi

cat > "$WORK/syncplane.yaml" <<YAML
version: 1
targets:
  bench:
    direction: bidirectional
    source: { directory: { path: syncplane/a } }
    destination: { directory: { path: syncplane/b } }
YAML

run_tool() { # tool scenario
  local first=""
  case "$1" in
    unison) UNISON="$WORK/unison-home" unison "$WORK/unison/a" "$WORK/unison/b" -batch -times -links true -perms 0 -confirmbigdel=false -silent ;;
    rclone)
      [[ "$2" == first ]] && first="--resync"
      rclone bisync "$WORK/rclone/a" "$WORK/rclone/b" --workdir "$WORK/rclone-work" $first ;;
    syncplane)
      [[ "$2" == first ]] && first="--resync"
      (cd "$WORK" && dotnet "$CLI" run --config "$WORK/syncplane.yaml" --target bench --ci $first) ;;
  esac
}

measure() { # tool scenario round
  local out="$WORK/time.out"
  sync # no step starts while the kernel still writes back the files an earlier step created
  if ! /usr/bin/time -f '%e %M %U %S' -o "$out" bash -c "$(declare -f run_tool); WORK='$WORK' CLI='$CLI' run_tool $1 $2" >"$WORK/$1.log" 2>&1; then
    echo "$1 failed in $2 (round $3):" >&2
    tail -20 "$WORK/$1.log" >&2
    exit 1
  fi
  read -r seconds kb user system < <(tail -1 "$out")
  cpu=$(python3 -c "print(round($user + $system, 2))")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$seconds" "$kb" "$cpu" >>"$RESULTS"
  printf '  %-9s %-8s %6.2f s (cpu %6.2f s) %7d KB\n' "$1" "$2" "$seconds" "$cpu" "$kb" >&2
}

TOOLS=(unison rclone syncplane)
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  rm -rf "${WORK:?}/unison-home" "$WORK/rclone-work" "$WORK/.syncplane"
  for tool in "${TOOLS[@]}"; do
    rm -rf "${WORK:?}/$tool"
    mkdir -p "$WORK/$tool/b"
    cp -a "$WORK/tree" "$WORK/$tool/a"
    measure "$tool" first "$round"
  done
  for tool in "${TOOLS[@]}"; do measure "$tool" nochange "$round"; done
  for tool in "${TOOLS[@]}"; do
    python3 "$HERE/mutate_side.py" "$WORK/$tool/a" 0 "$round" 2>/dev/null
    python3 "$HERE/mutate_side.py" "$WORK/$tool/b" 50 "$round" 2>/dev/null
  done
  for tool in "${TOOLS[@]}"; do measure "$tool" changed "$round"; done
done

# Every tool must end with both of its sides equal, and Syncplane's with the same content as unison's.
for tool in "${TOOLS[@]}"; do
  if ! diff -r --no-dereference "$WORK/$tool/a" "$WORK/$tool/b" >/dev/null; then
    echo "WARNING: $tool's two sides differ after the last run" >&2
  fi
done
if diff -r --no-dereference "$WORK/unison/a" "$WORK/syncplane/a" >/dev/null; then
  echo "both sides agree, and Syncplane's content matches unison's" >&2
else
  echo "WARNING: Syncplane's content differs from unison's" >&2
fi

echo >&2
python3 "$HERE/summarize.py" "$RESULTS" "$FILES" "$(nproc)"
[[ -n "${KEEP:-}" ]] || rm -rf "$WORK"
