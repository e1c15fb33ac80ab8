"""Job functions used only by tests; a worker subprocess imports them by name (PYTHONPATH=.)."""

import os
import time

from extensions import queues
from jobs.pipeline import open_periodic_stage_tasks

STARTED_KEY = "test:blocking-job:started"
BLOCKED_ONCE_KEY = "test:blocking-job:blocked-once"
# A safety net: a job the test failed to kill still ends on its own.
BLOCK_SECONDS = 180


def fail_loudly():
    raise RuntimeError("the bank's service did not answer")


def open_tasks_blocking_once():
    """The periodic job, one card per batch; the first execution stops for good after the first
    batch (until the worker is killed), any later one runs straight through."""

    def after_batch(_count):
        if queues.connection.set(BLOCKED_ONCE_KEY, "1", nx=True):
            # The pid of the process running the job: rq's work-horse leaves the worker's group.
            queues.connection.set(STARTED_KEY, str(os.getpid()))
            deadline = time.monotonic() + BLOCK_SECONDS
            while time.monotonic() < deadline:
                time.sleep(0.2)
            raise RuntimeError("the blocking test job was not killed")

    return open_periodic_stage_tasks(batch_size=1, after_batch=after_batch)
