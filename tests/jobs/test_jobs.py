"""Jobs: the periodic schedule, the housekeeping jobs, and the workers that run them.

The queue Redis is fakeredis in embedded mode and the real Redis in services mode (the fixture
chooses); nothing here knows which."""

import threading
import time
from datetime import timedelta

import fakeredis
import pytest
from rq.job import JobStatus
from sqlalchemy import func, select

from extensions import db, queues
from jobs import platform as maintenance
from jobs.runner import (
    EmbeddedScheduler,
    EmbeddedWorker,
    make_scheduler,
    make_worker,
    register_periodic_jobs,
    start_embedded,
)
from jobs.schedule import PERIODIC_JOBS
from models.base import utcnow
from models.platform.user import LoginAttempt, UserSession
from tests.conftest import TEST_REDIS_URL
from tests.factories.platform import make_user

WAIT_SECONDS = 20


def wait_for(condition, timeout=WAIT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def add_session(user, last_seen_ago, ended_ago=None):
    now = utcnow()
    record = UserSession(
        token_hash=f"{user.id}-{last_seen_ago}-{ended_ago}".ljust(64, "x"),
        user_id=user.id,
        last_seen_at=now - last_seen_ago,
        ended_at=None if ended_ago is None else now - ended_ago,
    )
    db.session.add(record)
    db.session.commit()
    return record.id


def session_state():
    rows = db.session.execute(select(UserSession.id, UserSession.ended_at).order_by(UserSession.id)).all()
    return {row.id: row.ended_at for row in rows}


@pytest.fixture
def sessions(app):
    user = make_user()
    idle_minutes = app.config["IDLE_TIMEOUT_MINUTES"]
    return {
        "idle": add_session(user, timedelta(minutes=idle_minutes + 1)),
        "active": add_session(user, timedelta(minutes=1)),
        "ended_long_ago": add_session(user, timedelta(days=40), ended_ago=timedelta(days=31)),
        "ended_recently": add_session(user, timedelta(days=2), ended_ago=timedelta(days=1)),
    }


def test_the_queue_is_the_one_the_mode_asks_for():
    assert isinstance(queues.connection, fakeredis.FakeRedis) is (TEST_REDIS_URL is None)
    assert queues.connection.ping()


def test_periodic_jobs_register_once_however_often_the_scheduler_starts():
    scheduler = make_scheduler(EmbeddedScheduler)
    register_periodic_jobs(scheduler)
    register_periodic_jobs(scheduler)
    register_periodic_jobs(make_scheduler(EmbeddedScheduler))
    jobs = list(scheduler.get_jobs())
    assert sorted(job.id for job in jobs) == sorted(spec["id"] for spec in PERIODIC_JOBS)
    by_id = {job.id: job for job in jobs}
    for spec in PERIODIC_JOBS:
        job = by_id[spec["id"]]
        assert job.func_name == spec["func"]
        assert job.meta["interval"] == spec["interval_seconds"]


def test_a_periodic_job_dropped_from_the_list_is_unscheduled():
    scheduler = make_scheduler(EmbeddedScheduler)
    scheduler.schedule(scheduled_time=utcnow(), func="jobs.platform.end_idle_sessions", interval=60, id="retired-job")
    retired = scheduler.job_class.fetch("retired-job", connection=queues.connection)
    retired.meta["periodic"] = True
    retired.save_meta()
    register_periodic_jobs(scheduler)
    assert "retired-job" not in {job.id for job in scheduler.get_jobs()}


def test_end_idle_sessions_ends_only_idle_ones_and_forgets_long_ended_ones(sessions):
    before = session_state()
    assert maintenance.end_idle_sessions() == 1
    after = session_state()
    assert after[sessions["idle"]] is not None
    assert after[sessions["active"]] is None
    assert sessions["ended_long_ago"] not in after
    assert after[sessions["ended_recently"]] == before[sessions["ended_recently"]]


def test_end_idle_sessions_twice_is_a_no_op_the_second_time(sessions):
    maintenance.end_idle_sessions()
    first = session_state()
    assert maintenance.end_idle_sessions() == 0
    assert session_state() == first


def test_purge_old_login_attempts_keeps_the_last_thirty_days_and_runs_twice_safely():
    now = utcnow()
    for days in (45, 31, 29, 0):
        db.session.add(
            LoginAttempt(username=f"user{days}", ip="10.0.0.1", success=False, at=now - timedelta(days=days))
        )
    db.session.commit()
    assert maintenance.purge_old_login_attempts() == 2
    kept = set(db.session.scalars(select(LoginAttempt.username)))
    assert kept == {"user29", "user0"}
    assert maintenance.purge_old_login_attempts() == 0
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 2


def test_an_enqueued_job_is_run_by_a_burst_worker_in_an_app_context(app, sessions):
    job = queues.enqueue("jobs.platform.end_idle_sessions")
    assert job.get_status() == JobStatus.QUEUED

    worker = make_worker(app, EmbeddedWorker)
    assert worker.work(burst=True) is True

    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert job.return_value() == 1
    db.session.rollback()
    assert session_state()[sessions["idle"]] is not None
    assert queues.queue().count == 0


def test_a_failing_job_is_marked_failed_and_the_worker_goes_on(app):
    broken = queues.enqueue("jobs.platform.no_such_job")
    fine = queues.enqueue("jobs.platform.purge_old_login_attempts")
    make_worker(app, EmbeddedWorker).work(burst=True)
    assert broken.get_status(refresh=True) == JobStatus.FAILED
    assert fine.get_status(refresh=True) == JobStatus.FINISHED


def _stop_embedded(worker, scheduler):
    """Daemon threads would outlive the test: ask both loops to end and wake the worker up."""

    def _leave(*_args, **_kwargs):
        raise SystemExit

    scheduler.heartbeat = _leave  # the scheduler loop calls it first thing every few seconds
    worker._stop_requested = True
    queues.enqueue("jobs.platform.purge_old_login_attempts")
    for name in ("rq-worker", "rq-scheduler"):
        for thread in [t for t in threading.enumerate() if t.name == name]:
            thread.join(timeout=WAIT_SECONDS)
            assert not thread.is_alive(), f"{name} did not stop"


# rq-scheduler's loop has no stop flag; SystemExit is how the test ends the thread.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_embedded_worker_and_scheduler_run_a_periodic_job_within_seconds(app, sessions):
    worker, scheduler = start_embedded(app)
    try:
        assert {t.name for t in threading.enumerate()} >= {"rq-worker", "rq-scheduler"}

        def idle_session_ended():
            ended_at = db.session.scalar(select(UserSession.ended_at).where(UserSession.id == sessions["idle"]))
            db.session.rollback()  # next poll sees the worker's commit
            return ended_at is not None

        assert wait_for(idle_session_ended), "the scheduled end_idle_sessions did not run"
        assert db.session.scalar(select(UserSession.ended_at).where(UserSession.id == sessions["active"])) is None
    finally:
        _stop_embedded(worker, scheduler)


def test_the_scheduler_starts_again_with_its_lease_when_redis_comes_back(monkeypatch):
    """rq-scheduler's loop ends at a lost connection; `flask scheduler` starts a new one, holding the
    same lease token, so the retries and periodic runs it brings back do not stop for good."""
    import redis

    from jobs import runner

    runs = []

    class Scheduler:
        token = None

        def run(self):
            runs.append(self.token)
            if len(runs) == 1:
                raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(runner, "make_scheduler", lambda _cls: Scheduler())
    runner.run_scheduler(pause=0)
    assert len(runs) == 2 and runs[0] == runs[1] is not None
