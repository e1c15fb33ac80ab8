"""`flask scheduler` on a fast clock: FAULTS_CLOCK_SPEED simulated seconds pass per real second,
counted from FAULTS_CLOCK_ORIGIN (shared by every process of the drill). Each periodic run it
enqueues is also written to the Redis list `faults:enqueued` as "<periodic id> <simulated time>".

    python -m tests.faults.fast_scheduler      (with the cluster's environment)
"""

import os
import time
from datetime import UTC, datetime

from tests.faults.hooks import ENQUEUED_KEY

_real_time = time.time


def fake_time():
    origin = float(os.environ["FAULTS_CLOCK_ORIGIN"])
    return origin + (_real_time() - origin) * float(os.environ["FAULTS_CLOCK_SPEED"])


class FakeDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        moment = datetime.fromtimestamp(fake_time(), UTC)
        return moment if tz is not None else moment.replace(tzinfo=None)

    @classmethod
    def utcnow(cls):
        return datetime.fromtimestamp(fake_time(), UTC).replace(tzinfo=None)


def main():
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    import rq_scheduler.scheduler

    import jobs.runner
    from app import create_app

    rq_scheduler.scheduler.datetime = FakeDatetime
    jobs.runner.datetime = FakeDatetime
    jobs.runner.SCHEDULER_INTERVAL = float(os.environ.get("FAULTS_TICK_SECONDS", "0.1"))
    enqueue_job = jobs.runner.PeriodicScheduler.enqueue_job

    def recording_enqueue_job(self, job):
        if job.meta.get("periodic"):
            self.connection.rpush(ENQUEUED_KEY, f"{job.id} {fake_time():.3f}")
        return enqueue_job(self, job)

    jobs.runner.PeriodicScheduler.enqueue_job = recording_enqueue_job
    app = create_app()
    with app.app_context():
        jobs.runner.make_scheduler(jobs.runner.LeaderScheduler).run()


if __name__ == "__main__":
    main()
