#!/usr/bin/env bash
# Idle cost of the scheduler: `syncplane serve` with TARGETS scheduled targets (default 100,000) on one node.
# Measures start-up (process start until /readyz answers and until the scheduler is active, with the CPU
# seconds spent until then), `syncplane validate` on the same file, then CPU (utime+stime from /proc) over
# SAMPLE seconds once the scheduler is active, and peak RSS.
# The targets are cron-scheduled far from now (03:MM on January 1st), so nothing fires during the
# sample: this is the cost of holding and watching the schedule, which is what issue 3's bar is about.
#   bench/scheduler/run.sh                    # 100,000 targets, 60 s sample
#   TARGETS=10000 SAMPLE=30 bench/scheduler/run.sh
#   PORT=18470 bench/scheduler/run.sh         # where serve listens (default 8470)
set -euo pipefail
cd "$(dirname "$0")/../.."
targets="${TARGETS:-100000}"
sample="${SAMPLE:-60}"
port="${PORT:-8470}"
work=$(mktemp -d)
pid=""
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# Published the way scripts/publish deploys it: Release, ReadyToRun, for this machine (framework-dependent here).
rid=$(dotnet --info | awk '/RID:/ { print $2; exit }')
dotnet publish src/Syncplane.Cli -c Release -r "$rid" --self-contained false --nologo -v quiet -o "$work/cli" >/dev/null
python3 - "$work/syncplane.yaml" "$targets" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("version: 1\ntargets:\n")
    for i in range(n):
        f.write(f'  t{i:06d}: {{ entrypoint: "true", schedule: "{i % 60} 3 1 1 *" }}\n')
PY

ticks_per_second=$(getconf CLK_TCK)
cli="$work/cli/syncplane.dll"
TIMEFORMAT='%R %U %S'
{ time dotnet "$cli" validate --config "$work/syncplane.yaml" >/dev/null; } 2>"$work/validate.time"
read -r validate_wall validate_user validate_sys <"$work/validate.time"

cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
started=$(date +%s.%N)
dotnet "$cli" serve --config "$work/syncplane.yaml" --urls "http://127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
answered=""
until grep -q "scheduler: active" "$work/serve.log"; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  if [ -z "$answered" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then answered=$(date +%s.%N); fi
  sleep 0.1
done
ready=$(date +%s.%N)
ready_cpu=$(cpu)
answered=${answered:-$ready} # the scheduler became active before /readyz was first polled
sleep 5 # let start-up work (JIT, first timers) settle before sampling
before=$(cpu)
sleep "$sample"
after=$(cpu)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"; wait "$pid" || true

python3 - "$targets" "$sample" "$before" "$after" "$ticks_per_second" "$rss" "$hwm" "$started" "$ready" "$answered" "$ready_cpu" \
  "$validate_wall" "$validate_user" "$validate_sys" <<'PY'
import sys
targets, sample, before, after, hz, rss, hwm, started, ready, answered, ready_cpu, v_wall, v_user, v_sys = sys.argv[1:]
core = (float(after) - float(before)) / float(hz) / float(sample) * 100
print(f"{int(targets):,} scheduled targets, one node (SQLite store), {sample} s idle sample")
print(f"| start-up to /readyz | start-up to active scheduler | CPU s until active | idle CPU (% of one core) | RSS MB | peak RSS MB |")
print(f"|---|---|---|---|---|---|")
print(f"| {float(answered) - float(started):.1f} s | {float(ready) - float(started):.1f} s | {float(ready_cpu) / float(hz):.1f} s "
      f"| {core:.2f} % | {int(rss) / 1024:.0f} | {int(hwm) / 1024:.0f} |")
print(f"syncplane validate on the same file: {float(v_wall):.1f} s wall, {float(v_user) + float(v_sys):.1f} s CPU")
print(f"bar: idle CPU < 5% of a core: {'pass' if core < 5 else 'FAIL'}; memory < 500 MB: {'pass' if int(hwm) < 500 * 1024 else 'FAIL'}")
startup = float(ready) - float(started)
print(f"issue 18 bars: start-up to an active scheduler < 2 s: {'pass' if startup < 2 else 'FAIL'} ({startup:.1f} s, {float(ready_cpu) / float(hz):.1f} s of CPU); "
      f"peak RSS < 200 MB: {'pass' if int(hwm) < 200 * 1024 else 'FAIL'}")
PY
