"""What the background jobs are doing, for the owner: counts, lists per registry, liveness of
workers and the scheduler, and retrying a failed job. Everything goes through the QueueHub's
Redis connection; nothing here runs a job."""

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from rq_scheduler import Scheduler

from jobs.queues import QUEUE_NAMES, SCHEDULER_HEARTBEAT_KEY
from jobs.runner import PERIODIC_LAST_RUN_KEY

LIST_LIMIT = 100
# The scheduler beats every few seconds; a minute of silence means it is gone.
SCHEDULER_STALE_SECONDS = 60
STATES = ("queued", "started", "scheduled", "failed")


class UnknownJob(LookupError):
    """No failed job with that id."""


@dataclass
class JobRow:
    id: str
    func: str
    queue: str
    state: str
    enqueued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    error: str | None = None
    retries_left: int | None = None
    periodic_id: str | None = None


def _connection(connection):
    if connection is not None:
        return connection
    from extensions import queues

    return queues.connection


def _queues(connection):
    return [Queue(name, connection=connection) for name in QUEUE_NAMES]


def _registry(state, queue):
    return {"started": StartedJobRegistry, "scheduled": ScheduledJobRegistry, "failed": FailedJobRegistry}[state](
        queue=queue
    )


def _naive(value):
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def scheduler_heartbeat_age(connection=None):
    """Seconds since the scheduler's last heartbeat, or None if none is recorded."""
    raw = _connection(connection).get(SCHEDULER_HEARTBEAT_KEY)
    if raw is None:
        return None
    return max(0.0, time.time() - float(raw))


def workers(connection=None):
    rows = []
    for worker in Worker.all(connection=_connection(connection)):
        rows.append(
            {
                "name": worker.name,
                "state": worker.get_state(),
                "hostname": worker.hostname,
                "pid": worker.pid,
                "queues": [queue.name for queue in worker.queues],
                "last_heartbeat": _naive(worker.last_heartbeat),
                "current_job": worker.get_current_job_id(),
            }
        )
    return rows


def summary(connection=None):
    """Cheap: a few Redis calls, no job bodies. For the owner's dashboard and the jobs page."""
    connection = _connection(connection)
    counts = dict.fromkeys(STATES, 0)
    for queue in _queues(connection):
        counts["queued"] += queue.count
        for state in ("started", "scheduled", "failed"):
            counts[state] += _registry(state, queue).get_job_count(cleanup=False)
    age = scheduler_heartbeat_age(connection)
    return dict(
        counts,
        periodic=connection.zcard(Scheduler.scheduled_jobs_key),
        workers=workers(connection),
        scheduler_alive=age is not None and age < SCHEDULER_STALE_SECONDS,
        scheduler_heartbeat_age=age,
    )


def _row(job, state):
    return JobRow(
        id=job.id,
        func=job.func_name or "",
        queue=job.origin or "",
        state=state,
        enqueued_at=_naive(job.enqueued_at),
        started_at=_naive(job.started_at),
        ended_at=_naive(job.ended_at),
        error=job.exc_info if state == "failed" else None,
        retries_left=job.retries_left,
        periodic_id=(job.meta or {}).get("periodic_id"),
    )


def list_jobs(state, connection=None, limit=LIST_LIMIT):
    """Jobs in one state across all queues, newest first, at most `limit` per queue."""
    if state not in STATES:
        raise ValueError(f"unknown job state {state!r}")
    connection = _connection(connection)
    rows = []
    for queue in _queues(connection):
        if state == "queued":
            ids = queue.get_job_ids(0, limit - 1)
        else:
            ids = _registry(state, queue).get_job_ids(0, limit - 1, desc=True, cleanup=False)
        for job in Job.fetch_many(ids, connection=connection):
            if job is not None:
                rows.append(_row(job, state))
    return rows


def periodic_jobs(connection=None):
    """The schedule as the scheduler holds it: id, function, interval, next run (naive UTC)."""
    connection = _connection(connection)
    rows = []
    for job_id, score in connection.zrange(Scheduler.scheduled_jobs_key, 0, -1, withscores=True):
        job_id = job_id.decode() if isinstance(job_id, bytes) else job_id
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            continue
        rows.append(
            {
                "id": job.id,
                "func": job.func_name,
                "interval_seconds": job.meta.get("interval"),
                "next_run": datetime.fromtimestamp(score, UTC).replace(tzinfo=None),
                **last_run(connection, job.id),
            }
        )
    return rows


def last_run(connection, periodic_id):
    """When a periodic job last finished, whether it succeeded, and its result or error."""
    raw = connection.hget(PERIODIC_LAST_RUN_KEY, periodic_id)
    if not raw:
        return {"last_run": None, "last_ok": None, "last_result": None}
    record = json.loads(raw)
    at = datetime.fromtimestamp(record["at"], UTC).replace(tzinfo=None)
    return {"last_run": at, "last_ok": record["ok"], "last_result": record["result"]}


def retry(job_id, connection=None):
    """Put a failed job back on its queue. Raises UnknownJob for anything but a failed job."""
    connection = _connection(connection)
    if not isinstance(job_id, str) or not job_id or len(job_id) > 200:
        raise UnknownJob(job_id)
    try:
        job = Job.fetch(job_id, connection=connection)
    except (NoSuchJobError, ValueError):  # RQ refuses an id of other characters with a ValueError
        raise UnknownJob(job_id) from None
    registry = FailedJobRegistry(queue=Queue(job.origin, connection=connection))
    if job.origin not in QUEUE_NAMES or connection.zscore(registry.key, job_id) is None:
        raise UnknownJob(job_id)
    return registry.requeue(job)
