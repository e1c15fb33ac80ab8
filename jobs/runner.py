"""Worker and scheduler. Jobs run inside an app context created here, never at import time."""

import logging
import threading
import time
from datetime import UTC, datetime

from rq import Retry, SimpleWorker, Worker
from rq.registry import ScheduledJobRegistry
from rq.timeouts import TimerDeathPenalty
from rq_scheduler import Scheduler
from rq_scheduler.utils import to_unix

from jobs.queues import SCHEDULER_HEARTBEAT_KEY
from jobs.schedule import PERIODIC_JOBS, RETRY_INTERVALS

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


def enqueue_due_retries(connection, queue_list, timestamp=None):
    """Move retries whose back-off has passed from each queue's scheduled registry to the queue.

    RQ parks a retried job there; our scheduler loop (not RQ's own scheduler process, which
    cannot see fakeredis) brings it back."""
    moved = []
    for queue in queue_list:
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in registry.get_jobs_to_schedule(int(timestamp if timestamp is not None else time.time())):
            job = queue.fetch_job(job_id)
            registry.remove(job_id)
            if job is not None:
                queue.enqueue_job(job)
                moved.append(job_id)
    return moved


class PeriodicScheduler(Scheduler):
    """rq-scheduler that starts a fresh run of a periodic job each time (its own id, its own
    retries with back-off), brings due retries back, and leaves a heartbeat for the jobs page."""

    def enqueue_job(self, job):
        if not job.meta.get("periodic"):
            return super().enqueue_job(job)
        intervals = job.meta.get("retry_intervals") or RETRY_INTERVALS
        self.get_queue_for_job(job).enqueue_call(
            job.func_name,
            args=job.args,
            kwargs=job.kwargs,
            timeout=job.timeout,
            description=job.description,
            meta={"periodic_id": job.id},
            retry=Retry(max=len(intervals), interval=list(intervals)),
        )
        interval = job.meta.get("interval")
        if interval:
            self.connection.zadd(self.scheduled_jobs_key, {job.id: to_unix(datetime.now(UTC)) + int(interval)})
        else:
            self.connection.zrem(self.scheduled_jobs_key, job.id)

    def enqueue_jobs(self):
        from extensions import queues

        jobs = super().enqueue_jobs()
        enqueue_due_retries(self.connection, queues.all())
        return jobs

    def heartbeat(self):
        super().heartbeat()
        self.connection.set(SCHEDULER_HEARTBEAT_KEY, str(time.time()), ex=int(self._interval) * 12 + 60)


class EmbeddedScheduler(PeriodicScheduler):
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
    for spec in PERIODIC_JOBS:
        scheduler.schedule(
            scheduled_time=datetime.now(UTC),
            func=spec["func"],
            interval=spec["interval_seconds"],
            repeat=None,
            id=spec["id"],
            timeout=spec.get("timeout"),
            meta={"periodic": True, "retry_intervals": list(spec.get("retry", RETRY_INTERVALS))},
            queue_name=spec.get("queue", "default"),
        )


def make_scheduler(scheduler_class=PeriodicScheduler):
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
