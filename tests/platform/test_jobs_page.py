"""The owner's jobs page: lists, errors, liveness, the retry button; periodic runs retried with
back-off; a worker killed mid-job (services mode) loses no work and duplicates nothing."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import select

from extensions import db, queues
from jobs import monitor as job_monitor
from jobs.queues import SCHEDULER_HEARTBEAT_KEY
from jobs.runner import EmbeddedScheduler, EmbeddedWorker, enqueue_due_retries, make_scheduler, make_worker
from models.pipeline import StageTask
from tests.conftest import SERVICES_MODE
from tests.factories.cards import card_in, periodic_stage, tasks_of_card_id
from tests.factories.platform import make_user
from tests.jobs import hooks
from tests.view_helpers import is_sent_to_login, new_client, post_form, sign_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def owner_client(app):
    return sign_in(app, make_user(role_code="owner", language="en"))


def schedule_periodic(func, job_id="test-periodic"):
    scheduler = make_scheduler(EmbeddedScheduler)
    template = scheduler.schedule(
        scheduled_time=datetime.now(UTC),
        func=func,
        interval=3600,
        id=job_id,
        meta={"periodic": True, "retry_intervals": [10, 60, 300]},
    )
    return scheduler, template


def run_due(scheduler, template):
    """What the scheduler loop does when the periodic job is due: a fresh run on the queue."""
    before = set(queues.queue().get_job_ids())
    scheduler.enqueue_job(template)
    (run_id,) = set(queues.queue().get_job_ids()) - before
    return Job.fetch(run_id, connection=queues.connection)


def test_a_failing_periodic_run_is_retried_with_back_off_then_listed_with_its_error(app, owner_client):
    scheduler, template = schedule_periodic("tests.jobs.hooks.fail_loudly")
    run = run_due(scheduler, template)
    assert run.id != template.id and run.retries_left == 3 and run.meta["periodic_id"] == "test-periodic"
    worker = make_worker(app, EmbeddedWorker)
    scheduled = ScheduledJobRegistry(queue=queues.queue())

    for back_off in (10, 60, 300):
        started = time.time()
        worker.work(burst=True)
        assert run.get_status(refresh=True) == JobStatus.SCHEDULED
        waits = scheduled.get_scheduled_time(run.id).timestamp() - started
        assert back_off - 2 <= waits <= back_off + 2
        assert enqueue_due_retries(queues.connection, queues.all(), timestamp=started + back_off - 5) == []
        assert enqueue_due_retries(queues.connection, queues.all(), timestamp=started + back_off + 5) == [run.id]

    worker.work(burst=True)
    assert run.get_status(refresh=True) == JobStatus.FAILED
    assert job_monitor.summary()["failed"] == 1

    page = owner_client.get("/admin/jobs/")
    assert page.status_code == 200
    assert run.id in page.text and "the bank&#39;s service did not answer" in page.text
    assert "tests.jobs.hooks.fail_loudly" in page.text

    response = post_form(owner_client, f"/admin/jobs/retry/{run.id}", form_page="/admin/jobs/")
    assert response.status_code == 302
    assert run.get_status(refresh=True) == JobStatus.QUEUED
    assert run.id not in FailedJobRegistry(queue=queues.queue()).get_job_ids()
    assert job_monitor.summary()["queued"] == 1


def test_the_schedule_shows_each_periodic_jobs_last_run_and_result(app, owner_client):
    ok_scheduler, ok_template = schedule_periodic("jobs.platform.purge_old_login_attempts", "purge-test")
    bad_scheduler, bad_template = schedule_periodic("tests.jobs.hooks.fail_loudly", "failing-test")
    assert job_monitor.last_run(queues.connection, "purge-test")["last_run"] is None
    run_due(ok_scheduler, ok_template)
    run_due(bad_scheduler, bad_template)
    make_worker(app, EmbeddedWorker).work(burst=True)

    rows = {row["id"]: row for row in job_monitor.periodic_jobs()}
    assert rows["purge-test"]["last_ok"] is True and rows["purge-test"]["last_result"] == "0"
    assert rows["purge-test"]["last_run"] is not None
    assert rows["failing-test"]["last_ok"] is False
    assert "the bank's service did not answer" in rows["failing-test"]["last_result"]
    page = owner_client.get("/admin/jobs/").text
    assert "Last run" in page and "failed:" in page
    # Jobs by what they do, not by their functions and ids.
    assert "Forget old sign-in attempts" in page and "Other job" in page and "every 1 h" in page
    assert "<code>jobs." not in page and ">purge-test<" not in page


def test_retry_refuses_unknown_ids_strangers_and_requests_without_a_token(app, owner_client):
    queues.enqueue("tests.jobs.hooks.fail_loudly")
    make_worker(app, EmbeddedWorker).work(burst=True)
    (failed_id,) = FailedJobRegistry(queue=queues.queue()).get_job_ids()

    assert post_form(owner_client, "/admin/jobs/retry/no-such-job", form_page="/admin/jobs/").status_code == 404
    finished = queues.enqueue("jobs.platform.purge_old_login_attempts")
    make_worker(app, EmbeddedWorker).work(burst=True)
    assert post_form(owner_client, f"/admin/jobs/retry/{finished.id}", form_page="/admin/jobs/").status_code == 404
    assert owner_client.post(f"/admin/jobs/retry/{failed_id}").status_code == 400  # no CSRF token

    manager = sign_in(app, make_user(role_code="manager", language="en"))
    assert post_form(manager, f"/admin/jobs/retry/{failed_id}").status_code == 403
    assert is_sent_to_login(post_form(new_client(app), f"/admin/jobs/retry/{failed_id}", form_page="/login"))
    assert Job.fetch(failed_id, connection=queues.connection).get_status() == JobStatus.FAILED


def test_the_page_shows_liveness_of_workers_and_the_scheduler(app, owner_client):
    page = owner_client.get("/admin/jobs/")
    assert "not running" in page.text and "no worker is running" in page.text

    scheduler = make_scheduler(EmbeddedScheduler)
    scheduler.register_birth()
    scheduler.heartbeat()
    worker = make_worker(app, EmbeddedWorker)
    worker.register_birth()
    worker.heartbeat()
    try:
        summary = job_monitor.summary()
        assert summary["scheduler_alive"] and summary["scheduler_heartbeat_age"] < 5
        assert [w["name"] for w in summary["workers"]] == [worker.name]
        assert summary["workers"][0]["last_heartbeat"] is not None
        page = owner_client.get("/admin/jobs/")
        assert "alive" in page.text and worker.name in page.text
    finally:
        worker.register_death()
        scheduler.register_death()
    queues.connection.set(SCHEDULER_HEARTBEAT_KEY, str(time.time() - 600))
    assert not job_monitor.summary()["scheduler_alive"]


def test_queued_and_running_jobs_are_listed():
    queued = queues.enqueue("jobs.platform.purge_old_login_attempts")
    rows = job_monitor.list_jobs("queued")
    assert [(row.id, row.func, row.queue) for row in rows] == [(queued.id, queued.func_name, "default")]
    with pytest.raises(ValueError):
        job_monitor.list_jobs("everything")


# --- a worker killed mid-job ----------------------------------------------------------------


def _worker_env(app):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        FLASK_APP="app:create_app",
        PYTHONPATH=str(ROOT),
        KARTOTEKA_EMBEDDED_WORKERS="0",
    )
    return env


def _flask_worker(app, log, *args):
    return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "flask", "worker", *args],
        cwd=ROOT,
        env=_worker_env(app),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill below reaches the work-horse too
    )


@pytest.mark.skipif(not SERVICES_MODE, reason="a worker process needs the real Redis (fakeredis lives in-process)")
def test_a_worker_killed_mid_job_loses_no_work_and_duplicates_nothing(app, tmp_path):
    from rq import Retry

    stage = periodic_stage()
    agent = make_user(role_code="agent")
    cards = [card_in(stage, days_ago=10, agent=agent).id for _ in range(3)]
    job = queues.queue().enqueue_call(
        "tests.jobs.hooks.open_tasks_blocking_once", retry=Retry(max=3, interval=[10, 60, 300])
    )

    log = tmp_path / "worker.log"
    with log.open("w") as out:
        first = _flask_worker(app, out)
        try:
            deadline = time.monotonic() + 90
            while not queues.connection.get(hooks.STARTED_KEY) and time.monotonic() < deadline:
                if first.poll() is not None:
                    break
                time.sleep(0.2)
            assert queues.connection.get(hooks.STARTED_KEY), "the job did not start:\n" + log.read_text()
            os.kill(int(queues.connection.get(hooks.STARTED_KEY)), signal.SIGKILL)  # the work-horse
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)  # the worker
            first.wait(timeout=30)

    db.session.remove()
    renewed = [card_id for card_id in cards if len(tasks_of_card_id(card_id)) == 2]
    assert len(renewed) == 1  # the first batch was committed before the kill, the rest not yet
    assert job.get_status(refresh=True) == JobStatus.STARTED

    # A surviving worker's maintenance finds the job abandoned once its heartbeat runs out (a
    # minute or more); here the clock is moved forward instead of waiting.
    StartedJobRegistry(queue=queues.queue()).cleanup(timestamp=time.time() + 3600)
    assert job.get_status(refresh=True) == JobStatus.SCHEDULED  # retried after its back-off
    assert enqueue_due_retries(queues.connection, queues.all(), timestamp=time.time() + 3600) == [job.id]

    with log.open("w") as out:
        second = _flask_worker(app, out, "--burst")
        try:
            assert second.wait(timeout=120) == 0, log.read_text()
        finally:
            if second.poll() is None:
                os.killpg(second.pid, signal.SIGKILL)
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    db.session.remove()
    for card_id in cards:
        tasks = tasks_of_card_id(card_id)
        assert len(tasks) == 2, tasks
        assert sum(task.closed_at is None for task in tasks) == 1
    assert (
        db.session.scalar(select(StageTask.id).where(StageTask.period_key.is_(None), StageTask.closed_at.is_(None)))
        is None
    )
