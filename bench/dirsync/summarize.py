#!/usr/bin/env python3
"""Median wall time and peak RSS per tool and scenario, with Syncplane's ratios and the bar."""
import statistics, sys
from collections import defaultdict

path, files, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = defaultdict(list)
for line in open(path):
    tool, scenario, _round, seconds, kb = line.split("\t")
    runs[(tool, scenario)].append((float(seconds), int(kb)))

bars = {"initial": 1.5, "nochange": 1.0, "changed": 1.0}
names = {"initial": "initial copy", "nochange": "re-sync, nothing changed", "changed": "re-sync, 1% changed"}
rounds = len(runs[("syncplane", "initial")])
print(f"{files:,} files, {cores} cores, median of {rounds} round(s); wall seconds (peak RSS MB)\n")
print("| scenario | rsync -a --delete | rclone sync | syncplane run | syncplane/rsync | syncplane/rclone | bar | peak RSS < 300 MB |")
print("|---|---|---|---|---|---|---|---|")
for scenario in ("initial", "nochange", "changed"):
    med = {}
    for tool in ("rsync", "rclone", "syncplane"):
        samples = runs[(tool, scenario)]
        med[tool] = (statistics.median(s for s, _ in samples), max(k for _, k in samples) / 1024)
    r_rsync = med["syncplane"][0] / med["rsync"][0]
    r_rclone = med["syncplane"][0] / med["rclone"][0]
    ok = "pass" if r_rsync <= bars[scenario] else "FAIL"
    mem = "pass" if med["syncplane"][1] < 300 else "FAIL"
    cells = " | ".join(f"{med[t][0]:.2f} s ({med[t][1]:.0f})" for t in ("rsync", "rclone", "syncplane"))
    print(f"| {names[scenario]} | {cells} | {r_rsync:.2f}x | {r_rclone:.2f}x | ≤{bars[scenario]}x {ok} | {mem} |")
