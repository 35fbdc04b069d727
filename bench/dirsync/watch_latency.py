#!/usr/bin/env python3
"""Watch latency: write one file in the source tree, time until it is at the destination with its content.

  watch_latency.py SRC DST SAMPLES [GAP_SECONDS]

Each sample writes d0NN/s0/watch-probe-K.txt (a new file in an existing directory of the big tree), then
polls the destination every 0.5 ms until the file is there with the same size. Samples are GAP seconds
apart, so each is its own burst for the watcher. Prints each latency and p50 / p99 / max in ms.
"""
import os, sys, time

src, dst, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])
gap = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
latencies = []
for k in range(samples):
    rel = os.path.join(f"d{k % 100:03d}", "s0", f"watch-probe-{k}.txt")
    data = f"probe {k}\n".encode() * 16
    target = os.path.join(dst, rel)
    start = time.perf_counter()
    with open(os.path.join(src, rel), "wb") as f:
        f.write(data)
    deadline = start + 30
    while True:
        try:
            if os.stat(target).st_size == len(data):
                break
        except FileNotFoundError:
            pass
        if time.perf_counter() > deadline:
            sys.exit(f"sample {k}: {rel} did not reach the destination within 30 s")
        time.sleep(0.0005)
    latencies.append((time.perf_counter() - start) * 1000)
    print(f"  sample {k + 1:3d}: {latencies[-1]:7.1f} ms", file=sys.stderr)
    time.sleep(gap)

ordered = sorted(latencies)
def pct(p):
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]
print(f"watch latency over {samples} samples: p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms, max {ordered[-1]:.1f} ms (bar: 200 ms)")
