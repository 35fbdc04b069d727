"""The RQ side's job functions; the workers import this module (run.sh puts bench/queue on PYTHONPATH)."""
import time

from rq import get_current_job


def noop():
    """The throughput job: does nothing."""


def noop_timed(enqueued_at):
    """The pickup-latency job: records "enqueued_at started_at" (Unix seconds) and does nothing else."""
    started_at = time.time()
    get_current_job().connection.rpush("bench:starts", f"{enqueued_at:.6f} {started_at:.6f}")
