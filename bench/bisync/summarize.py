#!/usr/bin/env python3
"""Median wall time and peak RSS per tool and scenario, Syncplane's ratio to unison and the bars."""
import statistics, sys
from collections import defaultdict

path, files, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = defaultdict(list)
for line in open(path):
    tool, scenario, _round, seconds, kb = line.split("\t")
    runs[(tool, scenario)].append((float(seconds), int(kb)))

bars = {"first": None, "nochange": 0.5, "changed": 0.5}
names = {"first": "first run (resync)", "nochange": "re-sync, nothing changed", "changed": "re-sync, 1% changed on each side"}
tools = ("unison", "rclone", "syncplane")
rounds = len(runs[("syncplane", "first")])
print(f"{files:,} files, {cores} cores, median of {rounds} round(s); wall seconds (peak RSS MB)\n")
print("| scenario | unison -batch | rclone bisync | syncplane run | syncplane/unison | syncplane/rclone | bar | peak RSS < 300 MB |")
print("|---|---|---|---|---|---|---|---|")
for scenario in ("first", "nochange", "changed"):
    med = {t: (statistics.median(s for s, _ in runs[(t, scenario)]), max(k for _, k in runs[(t, scenario)]) / 1024) for t in tools}
    r_unison = med["syncplane"][0] / med["unison"][0]
    r_rclone = med["syncplane"][0] / med["rclone"][0]
    bar = bars[scenario]
    verdict = "—" if bar is None else f"≤{bar}x {'pass' if r_unison <= bar else 'FAIL'}"
    mem = "pass" if med["syncplane"][1] < 300 else "FAIL"
    cells = " | ".join(f"{med[t][0]:.2f} s ({med[t][1]:.0f})" for t in tools)
    print(f"| {names[scenario]} | {cells} | {r_unison:.2f}x | {r_rclone:.2f}x | {verdict} | {mem} |")
