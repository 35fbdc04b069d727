#!/usr/bin/env python3
"""Median wall time, CPU time and peak RSS per tool and scenario, Syncplane's ratio to unison and the bars."""
import statistics, sys
from collections import defaultdict

path, files, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = defaultdict(list)
for line in open(path):
    tool, scenario, _round, seconds, kb, cpu = line.split("\t")
    runs[(tool, scenario)].append((float(seconds), int(kb), float(cpu)))

bars = {"first": None, "nochange": 0.5, "changed": 0.5}
names = {"first": "first run (resync)", "nochange": "re-sync, nothing changed", "changed": "re-sync, 1% changed on each side"}
tools = ("unison", "rclone", "syncplane")
rounds = len(runs[("syncplane", "first")])
print(f"{files:,} files, {cores} cores, median of {rounds} round(s); wall seconds (CPU seconds, peak RSS MB)\n")
print("| scenario | unison -batch | rclone bisync | syncplane run | syncplane/unison | syncplane/rclone | bar | peak RSS < 300 MB | CPU syncplane/unison |")
print("|---|---|---|---|---|---|---|---|---|")
for scenario in ("first", "nochange", "changed"):
    med = {t: (statistics.median(s for s, _, _ in runs[(t, scenario)]), max(k for _, k, _ in runs[(t, scenario)]) / 1024,
               statistics.median(c for _, _, c in runs[(t, scenario)])) for t in tools}
    r_unison = med["syncplane"][0] / med["unison"][0]
    r_rclone = med["syncplane"][0] / med["rclone"][0]
    bar = bars[scenario]
    verdict = "—" if bar is None else f"≤{bar}x {'pass' if r_unison <= bar else 'FAIL'}"
    mem = "pass" if med["syncplane"][1] < 300 else "FAIL"
    cells = " | ".join(f"{med[t][0]:.2f} s ({med[t][2]:.2f} s, {med[t][1]:.0f})" for t in tools)
    cpu_ratio = med["syncplane"][2] / med["unison"][2]
    print(f"| {names[scenario]} | {cells} | {r_unison:.2f}x | {r_rclone:.2f}x | {verdict} | {mem} | {cpu_ratio:.2f}x |")
