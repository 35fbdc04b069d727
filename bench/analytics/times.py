"""Reads timings and prints "p50 p99" in milliseconds (nearest rank).

curl: one time_total in seconds per line. sql: sqlite3 output with .timer on ('Run Time: real S' lines) or psql output
with \\timing on ('Time: MS ms' lines), where a line 'end-of-run' closes one run of several statements, whose times are summed.
"""
import math
import sys

mode = sys.argv[1]
times, current = [], 0.0
for line in sys.stdin:
    line = line.strip()
    if mode == "curl" and line:
        times.append(float(line) * 1000)
    elif line.startswith("Run Time: real"):
        current += float(line.split()[3]) * 1000
    elif line.startswith("Time: ") and line.split()[2] == "ms":
        current += float(line.split()[1])
    elif line == "end-of-run":
        times.append(current)
        current = 0.0
times.sort()
rank = lambda p: times[max(0, math.ceil(p / 100 * len(times)) - 1)]
print(f"{rank(50):.2f} {rank(99):.2f}")
