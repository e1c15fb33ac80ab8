"""Jobs used only by the fault drills; the cluster's workers import them by name (PYTHONPATH=.)."""

import time

from extensions import queues

DONE_KEY = "faults:done"
RUNS_KEY = "faults:runs"
# tests/faults/fast_scheduler.py notes each periodic run it enqueues here: "<periodic id> <simulated time>".
ENQUEUED_KEY = "faults:enqueued"


def record(token, seconds=0.0):
    """Takes `seconds`, then marks `token` done; every execution is counted, so a job run twice shows."""
    time.sleep(seconds)
    queues.connection.hincrby(RUNS_KEY, token, 1)
    queues.connection.sadd(DONE_KEY, token)
    return token
