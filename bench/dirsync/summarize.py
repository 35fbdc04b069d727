#!/usr/bin/env python3
"""Median wall time and peak RSS per tool and scenario, with Syncplane's ratios, the bar and the machine's limit."""
import statistics, sys
from collections import defaultdict

path, files, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = defaultdict(list)
cpu = defaultdict(list)
for line in open(path):
    tool, scenario, _round, seconds, kb, *user_sys = line.split("\t")
    runs[(tool, scenario)].append((float(seconds), int(kb)))
    if user_sys:
        cpu[(tool, scenario)].append(sum(float(x) for x in user_sys))

bars = {"initial": 1.0, "nochange": 0.5, "changed": 1.0}
names = {"initial": "initial copy", "nochange": "re-sync, nothing changed", "changed": "re-sync, 1% changed"}
limits = {"initial": ("cp", "cp -a"), "nochange": ("find", "find both"), "changed": ("find", "find both")}
rounds = len(runs[("syncplane", "initial")])

def med(tool, scenario):
    samples = runs[(tool, scenario)]
    return statistics.median(s for s, _ in samples), max(k for _, k in samples) / 1024

def spread(tool, scenario):
    samples = [s for s, _ in runs[(tool, scenario)]]
    return f"{min(samples):.2f}–{max(samples):.2f}"

print(f"{files:,} files, {cores} cores, median of {rounds} round(s); wall seconds (peak RSS MB)\n")
print("| scenario | rsync -a --delete | rclone sync | syncplane run (spread) | limit | syncplane/rsync | syncplane/rclone | syncplane/limit | bar | peak RSS < 300 MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for scenario in ("initial", "nochange", "changed"):
    m = {tool: med(tool, scenario) for tool in ("rsync", "rclone", "syncplane")}
    limit_tool, limit_name = limits[scenario]
    limit = med(limit_tool, scenario)[0]
    r_rsync = m["syncplane"][0] / m["rsync"][0]
    ok = "pass" if r_rsync <= bars[scenario] else "FAIL"
    mem = "pass" if m["syncplane"][1] < 300 else "FAIL"
    print(f"| {names[scenario]} | {m['rsync'][0]:.2f} s ({m['rsync'][1]:.0f}) | {m['rclone'][0]:.2f} s ({m['rclone'][1]:.0f}) "
          f"| {m['syncplane'][0]:.2f} s ({m['syncplane'][1]:.0f}) ({spread('syncplane', scenario)}) | {limit_name} {limit:.2f} s "
          f"| {r_rsync:.2f}x | {m['syncplane'][0] / m['rclone'][0]:.2f}x | {m['syncplane'][0] / limit:.2f}x | ≤{bars[scenario]}x {ok} | {mem} |")
if cpu:
    # CPU seconds (user + system) are what a loaded machine distorts least; wall time is what the bars judge.
    print("\nCPU seconds (user + system), median: " + "; ".join(
        f"{names[sc]}: " + ", ".join(f"{t} {statistics.median(cpu[(t, sc)]):.2f}" for t in ("rsync", "syncplane", limits[sc][0]) if cpu[(t, sc)])
        for sc in ("initial", "nochange", "changed")))
fixed = med("fixed", "nochange")[0]
print(f"\nFixed cost of a Syncplane run (an empty target: process start, config, store open and migration check, run record): {fixed:.2f} s")
print("Watch latency (a change in a watched tree reaching the destination): measured by bench/dirsync/watch.sh.")
