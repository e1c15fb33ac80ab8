"""Worker and scheduler. Jobs run inside an app context created here, never at import time."""

import json
import logging
import threading
import time
import traceback
import uuid
from datetime import UTC, datetime

import redis
from rq import Retry, SimpleWorker, Worker
from rq.registry import ScheduledJobRegistry
from rq.timeouts import TimerDeathPenalty
from rq_scheduler import Scheduler
from rq_scheduler.utils import to_unix

from jobs.handover import HandOverMixin
from jobs.queues import SCHEDULER_HEARTBEAT_KEY, SCHEDULER_LEADER_KEY
from jobs.schedule import PERIODIC_JOBS, RETRY_INTERVALS

log = logging.getLogger(__name__)
SCHEDULER_INTERVAL = 5
REDIS_LOST_PAUSE = 3
PERIODIC_LAST_RUN_KEY = "kartoteka:periodic:last-run"


class AppContextMixin:
    """Wraps every job in the app context of the process that runs the worker."""

    flask_app = None

    def perform_job(self, job, queue, *args, **kwargs):
        # rq 3 passes the execution as a third argument.
        with self.flask_app.app_context():
            done = super().perform_job(job, queue, *args, **kwargs)
        if job.meta.get("periodic_id"):
            record_periodic_run(self.connection, job, done, getattr(self, "_last_error", ""))
        return done

    def handle_exception(self, job, *exc_info):
        self._last_error = "".join(traceback.format_exception_only(*exc_info[:2])).strip()
        return super().handle_exception(job, *exc_info)


def record_periodic_run(connection, job, done, error):
    """The last run of each periodic job (when, success, what it returned or its error), for the
    jobs page: each run is a job of its own whose result RQ soon forgets."""
    if done:
        result = job.latest_result()
        text = repr(result.return_value) if result is not None else ""
    else:
        text = error
    record = {"at": time.time(), "ok": bool(done), "result": text[:200]}
    connection.hset(PERIODIC_LAST_RUN_KEY, job.meta["periodic_id"], json.dumps(record))


class ContextWorker(AppContextMixin, HandOverMixin, Worker):
    pass


class EmbeddedWorker(AppContextMixin, HandOverMixin, SimpleWorker):
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


class LeaderScheduler(PeriodicScheduler):
    """`flask scheduler`: only the holder of a lease in Redis registers the schedule and enqueues.
    A second process started by mistake stands by and takes over within `lease_seconds` when the
    first one stops or dies, so a periodic run is never enqueued twice (and the jobs are idempotent
    anyway, should a run be repeated)."""

    lease_seconds = 30
    _release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.token = uuid.uuid4().hex
        self.leading = False
        # rq-scheduler says so at every tick when another one holds the lock; a stand-by said it once.
        self.log.addFilter(lambda record: self.leading or "Lock already taken" not in record.getMessage())

    def _hold_lease(self):
        connection = self.connection
        held = connection.set(SCHEDULER_LEADER_KEY, self.token, nx=True, ex=self.lease_seconds)
        if not held and connection.get(SCHEDULER_LEADER_KEY) == self.token.encode():
            held = connection.expire(SCHEDULER_LEADER_KEY, self.lease_seconds)
        if held and not self.leading:
            log.info("this scheduler holds the lease and schedules the periodic jobs")
            register_periodic_jobs(self)
        elif not held and self.leading is not None:
            log.warning("another scheduler holds the lease; this one stands by")
        self.leading = bool(held) or None  # None: standing by, already said so
        return self.leading

    def acquire_lock(self):
        if not self._hold_lease():
            self._lock_acquired = False
            return False
        return super().acquire_lock()

    def heartbeat(self):
        if self.leading:
            super().heartbeat()
        else:
            Scheduler.heartbeat(self)

    def register_death(self):
        self.connection.eval(self._release, 1, SCHEDULER_LEADER_KEY, self.token)
        super().register_death()


class EmbeddedScheduler(PeriodicScheduler):
    def _install_signal_handlers(self):
        pass


def make_worker(app, worker_class=ContextWorker):
    from extensions import queues

    worker_class = type(worker_class.__name__, (worker_class,), {"flask_app": app})
    return worker_class(queues.all(), connection=queues.connection)


def _same(job, spec):
    return (
        job.func_name == spec["func"]
        and job.meta.get("interval") == spec["interval_seconds"]
        and job.timeout == spec.get("timeout", job.timeout)
        and job.origin == spec.get("queue", "default")
        and job.meta.get("retry_intervals") == list(spec.get("retry", RETRY_INTERVALS))
    )


def _again_when_redis_returns(run, what, pause):
    """Run `run()` until it returns; when Redis goes away it ends with a ConnectionError, and a
    fresh one starts once Redis answers again."""
    while True:
        try:
            return run()
        except redis.exceptions.ConnectionError as error:
            log.warning("lost Redis (%s); the %s starts again in %s s", error, what, pause)
            time.sleep(pause)


def run_worker(app, burst=False, pause=REDIS_LOST_PAUSE):
    """`flask worker`: RQ's worker rides out Redis being away between jobs, but quits when Redis
    goes while it watches a job; start it again once Redis answers. A job cut off that way is
    found abandoned by a worker later and retried (or failed with the reason)."""
    if burst:
        return make_worker(app).work(burst=True, with_scheduler=False)

    def run():
        worker = make_worker(app)
        try:
            return worker.work(with_scheduler=False)
        finally:
            # RQ's teardown stops the listener for its commands only after recording the worker's
            # death, which fails while Redis is away: each worker started again would add one.
            if worker.pubsub_thread is not None:
                worker.pubsub_thread.stop()

    return _again_when_redis_returns(run, "worker", pause)


def run_scheduler(pause=REDIS_LOST_PAUSE):
    """`flask scheduler`: rq-scheduler's loop ends at the first lost connection, and with it the
    periodic runs and the retries it brings back. Start it again when Redis returns, holding the
    same lease, so that it leads again at once instead of waiting for its own lease to expire."""
    token = uuid.uuid4().hex

    def run():
        scheduler = make_scheduler(LeaderScheduler)
        scheduler.token = token
        scheduler.run()

    _again_when_redis_returns(run, "scheduler", pause)


def register_periodic_jobs(scheduler):
    """Make the schedule the list in jobs/schedule.py; the fixed ids make this idempotent. A job
    already scheduled as listed keeps its next run time, so a restarted scheduler, or one taking
    over from another, does not run everything again at once."""
    specs = {spec["id"]: spec for spec in PERIODIC_JOBS}
    kept = set()
    for job in scheduler.get_jobs():
        if job.id in specs and _same(job, specs[job.id]) and job.id not in kept:
            kept.add(job.id)
        elif job.id in specs or job.meta.get("periodic"):
            scheduler.cancel(job)
    for spec in PERIODIC_JOBS:
        if spec["id"] in kept:
            continue
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
