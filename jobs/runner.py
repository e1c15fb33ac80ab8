"""Worker and scheduler. Jobs run inside an app context created here, never at import time."""

import logging
import threading

from rq import SimpleWorker, Worker
from rq.timeouts import TimerDeathPenalty
from rq_scheduler import Scheduler

from jobs.schedule import PERIODIC_JOBS

log = logging.getLogger(__name__)
SCHEDULER_INTERVAL = 5


class AppContextMixin:
    """Wraps every job in the app context of the process that runs the worker."""

    flask_app = None

    def perform_job(self, job, queue, *args, **kwargs):
        # rq 3 passes the execution as a third argument.
        with self.flask_app.app_context():
            return super().perform_job(job, queue, *args, **kwargs)


class ContextWorker(AppContextMixin, Worker):
    pass


class EmbeddedWorker(AppContextMixin, SimpleWorker):
    # Signal handlers and SIGALRM work only in the main thread; this one runs in a thread.
    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass


class EmbeddedScheduler(Scheduler):
    def _install_signal_handlers(self):
        pass


def make_worker(app, worker_class=ContextWorker):
    from extensions import queues

    worker_class = type(worker_class.__name__, (worker_class,), {"flask_app": app})
    return worker_class(queues.all(), connection=queues.connection)


def register_periodic_jobs(scheduler):
    """Replace the schedule with the list in jobs/schedule.py; the fixed ids make this idempotent."""
    wanted = {spec["id"] for spec in PERIODIC_JOBS}
    for job in scheduler.get_jobs():
        if job.id in wanted or job.meta.get("periodic"):
            scheduler.cancel(job)
    from datetime import UTC, datetime

    for spec in PERIODIC_JOBS:
        scheduler.schedule(
            scheduled_time=datetime.now(UTC),
            func=spec["func"],
            interval=spec["interval_seconds"],
            repeat=None,
            id=spec["id"],
            meta={"periodic": True},
            queue_name=spec.get("queue", "default"),
        )


def make_scheduler(scheduler_class=Scheduler):
    from extensions import queues

    return scheduler_class(queue=queues.queue("default"), connection=queues.connection, interval=SCHEDULER_INTERVAL)


def start_embedded(app):
    """Embedded mode: worker and scheduler as daemon threads of the web process."""
    worker = make_worker(app, EmbeddedWorker)
    scheduler = make_scheduler(EmbeddedScheduler)
    register_periodic_jobs(scheduler)
    threading.Thread(target=worker.work, kwargs={"with_scheduler": False}, name="rq-worker", daemon=True).start()
    threading.Thread(target=scheduler.run, name="rq-scheduler", daemon=True).start()
    log.info("embedded worker and scheduler started")
    return worker, scheduler
