#!/usr/bin/python3
"""Prints the table for bench/queue/run.sh from its results directory.

throughput.txt: "system seconds runs_done" lines. pickup-SYSTEM.txt: "enqueued_at started_at" lines (Unix
seconds), or for Syncplane pickup-SYSTEM.enqueued ("run_id enqueued_at") plus pickup-SYSTEM.started-*
("run_id started_at") which are joined by run id.
"""
import glob
import os
import sys

SYSTEMS = [
    ("rq-default", "RQ Worker (fork per job)"),
    ("rq-simple", "RQ SimpleWorker"),
    ("syncplane-sqlite", "Syncplane, SQLite store"),
    ("syncplane-postgres", "Syncplane, PostgreSQL store"),
    ("syncplane-sqlite-inprocess", "Syncplane, SQLite store, enqueued in a worker's process (pickup only)"),
    ("pgbench-one-row-update", "PostgreSQL's own limit: pgbench, one-row UPDATE per transaction (transactions, not runs)"),
]


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def pickup_latencies(results, system):
    path = os.path.join(results, f"pickup-{system}.txt")
    if os.path.exists(path):
        pairs = [line.split() for line in open(path, encoding="utf-8") if line.strip()]
        return [(float(s) - float(e)) * 1000 for e, s in pairs]
    enqueued = {}
    path = os.path.join(results, f"pickup-{system}.enqueued")
    if not os.path.exists(path):
        return []
    for line in open(path, encoding="utf-8"):
        if line.strip():
            run_id, at = line.split()
            enqueued[run_id] = float(at)
    latencies = []
    for started in glob.glob(os.path.join(results, f"pickup-{system}.started-*")):
        for line in open(started, encoding="utf-8"):
            if line.strip():
                run_id, at = line.split()
                if run_id in enqueued:
                    latencies.append((float(at) - enqueued[run_id]) * 1000)
    return latencies


def main():
    results, jobs, trickle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    throughput = {}
    path = os.path.join(results, "throughput.txt")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            system, seconds, done = line.split()
            throughput[system] = (float(seconds), int(done))

    rows = {}
    print("| system | runs done | wall s | runs/s | pickup p50 ms | pickup p99 ms | pickup max ms | picked up |")
    print("|---|---|---|---|---|---|---|---|")
    for system, label in SYSTEMS:
        if system not in throughput and not os.path.exists(os.path.join(results, f"pickup-{system}.enqueued")) \
                and not os.path.exists(os.path.join(results, f"pickup-{system}.txt")):
            continue
        seconds, done = throughput.get(system, (float("nan"), 0))
        rate = done / seconds if done and seconds == seconds else float("nan")
        latencies = pickup_latencies(results, system)
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        top = max(latencies) if latencies else float("nan")
        rows[system] = (rate, p50, p99)
        if system.startswith("pgbench"):  # transactions in its time, no pickup
            print(f"| {label} | {done} | {seconds:.2f} | {rate:.0f} | – | – | – | – |")
            continue
        print(f"| {label} | {f'{done}/{jobs}' if done else '–'} | {f'{seconds:.2f}' if done else '–'} | {f'{rate:.0f}' if done else '–'} | {p50:.1f} | {p99:.1f} | {top:.1f} | {len(latencies)}/{trickle} |")

    print()
    pg = rows.get("syncplane-postgres", (float("nan"),) * 3)[0]
    if "syncplane-postgres" in rows:
        for system, bar in (("rq-default", 10), ("rq-simple", 2)):
            if system in rows:
                ratio = pg / rows[system][0] if rows[system][0] else float("nan")
                verdict = "pass" if ratio >= bar else "FAIL"
                print(f"- Syncplane(PostgreSQL) / {dict(SYSTEMS)[system]} throughput: **{ratio:.2f}x** (bar ≥ {bar}x: {verdict})")
        p99 = rows["syncplane-postgres"][2]
        print(f"- Syncplane(PostgreSQL) idle pickup p99: **{p99:.1f} ms** (bar < 10 ms: {'pass' if p99 < 10 else 'FAIL'})")
        print(f"- Syncplane(PostgreSQL) throughput: {pg:.0f} runs/s (bar ≥ 5,000: {'pass' if pg >= 5000 else 'FAIL'})")
    if "syncplane-sqlite" in rows:
        sqlite = rows["syncplane-sqlite"][0]
        if "rq-simple" in rows and rows["rq-simple"][0]:
            print(f"- {dict(SYSTEMS)['syncplane-sqlite']} / RQ SimpleWorker throughput: {sqlite / rows['rq-simple'][0]:.2f}x")
        print(f"- Syncplane(SQLite) throughput: {sqlite:.0f} runs/s (bar ≥ 2,000: {'pass' if sqlite >= 2000 else 'FAIL'})")
    if "syncplane-postgres" in rows and rows.get("pgbench-one-row-update", (0,))[0]:
        print(f"- Syncplane(PostgreSQL) / pgbench one-row updates: {pg / rows['pgbench-one-row-update'][0]:.2f} "
              "(a run is at least one such commit: its completion, with its next claim)")

    for system, label in SYSTEMS:
        seconds = worker_cpu(results, system)
        if seconds and throughput.get(system, (0, 0))[1]:
            done = throughput[system][1]
            print(f"- {label}: worker processes' CPU {seconds:.2f} s, {seconds * 1e6 / done:.0f} µs a run, start-up included "
                  "(the database's CPU is not in it)")


def worker_cpu(results, system):
    """The CPU seconds the throughput phase's worker processes reported on exit ("… CPU 1.23 s …"), summed."""
    total = 0.0
    for path in glob.glob(os.path.join(results, f"cpu-{system}-*.txt")):
        for line in open(path, encoding="utf-8"):
            words = line.split()
            if "CPU" in words:
                total += float(words[words.index("CPU") + 1])
    return total


if __name__ == "__main__":
    main()
