#!/usr/bin/python3
"""RQ side of bench/queue/run.sh (Debian's python3-rq with a private redis-server).

  rq_bench.py throughput URL WORKERS JOBS CLASS   enqueue JOBS no-op jobs, then start WORKERS `rq worker --burst`
                                                  processes and time until all of them exit (queue drained);
                                                  prints "seconds jobs_finished"
  rq_bench.py pickup URL WORKERS JOBS INTERVAL_MS CLASS OUT
                                                  start WORKERS `rq worker` processes, wait until they are
                                                  registered and idle, enqueue one timed job every INTERVAL_MS,
                                                  wait for every start record, stop the workers (SIGTERM, warm
                                                  shutdown); OUT gets "enqueued_at started_at" lines
CLASS is rq.worker.Worker (the default, forks a work horse per job) or rq.worker.SimpleWorker (runs jobs in
the worker process).
"""
import os
import signal
import subprocess
import sys
import time

from redis import Redis
from rq import Queue, Worker
from rq.registry import FinishedJobRegistry

import rq_jobs

QUEUE = "bench"


def spawn(url, workers, worker_class, burst):
    args = ["rq", "worker", "--url", url, "-w", worker_class, "--quiet"]
    if burst:
        args.append("--burst")
    args.append(QUEUE)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
    return [subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL) for _ in range(workers)]


def throughput(url, workers, jobs, worker_class):
    redis = Redis.from_url(url)
    redis.flushdb()
    queue = Queue(QUEUE, connection=redis)
    batch = 1000
    for start in range(0, jobs, batch):
        # result_ttl: the finished registry would drop results older than RQ's default 500 s before they are counted
        queue.enqueue_many([Queue.prepare_data(rq_jobs.noop, result_ttl=86400) for _ in range(min(batch, jobs - start))])
    assert queue.count == jobs, f"queued {queue.count} of {jobs}"
    started = time.perf_counter()
    processes = spawn(url, workers, worker_class, burst=True)
    for process in processes:
        process.wait()
    seconds = time.perf_counter() - started
    finished = FinishedJobRegistry(QUEUE, connection=redis).count
    print(f"{seconds:.3f} {finished}")


def pickup(url, workers, jobs, interval_ms, worker_class, out):
    redis = Redis.from_url(url)
    redis.flushdb()
    queue = Queue(QUEUE, connection=redis)
    processes = spawn(url, workers, worker_class, burst=False)
    deadline = time.time() + 30
    while len(Worker.all(connection=redis)) < workers:
        if time.time() > deadline:
            sys.exit("rq workers did not register within 30 s")
        time.sleep(0.1)
    time.sleep(1)  # let every worker reach its blocking dequeue (BLPOP)
    interval = interval_ms / 1000.0
    begin = time.perf_counter()
    for i in range(jobs):
        delay = begin + i * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        queue.enqueue(rq_jobs.noop_timed, time.time())
    deadline = time.time() + 60
    while redis.llen("bench:starts") < jobs:
        if time.time() > deadline:
            break
        time.sleep(0.05)
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait()
    lines = [line.decode() for line in redis.lrange("bench:starts", 0, -1)]
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def main():
    command = sys.argv[1]
    if command == "throughput":
        throughput(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif command == "pickup":
        pickup(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
