"""Fault drills on the job tier: a worker killed mid-job; two schedulers for a simulated day."""

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Retry
from rq.job import JobStatus
from rq.registry import StartedJobRegistry

from extensions import db, queues
from jobs.runner import enqueue_due_retries
from jobs.schedule import PERIODIC_JOBS
from tests.factories.cards import card_in, periodic_stage, tasks_of_card_id
from tests.factories.platform import make_user
from tests.faults.conftest import needs_services, wait_for
from tests.faults.hooks import ENQUEUED_KEY
from tests.jobs import hooks

pytestmark = [pytest.mark.faults, needs_services]
DAY = 86400


def _parent(pid):
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_a_worker_killed_mid_job_is_retried_by_another_and_duplicates_nothing(make_cluster):
    stage = periodic_stage()
    agent = make_user(role_code="agent")
    cards = [card_in(stage, days_ago=10, agent=agent).id for _ in range(3)]
    db.session.commit()
    cluster = make_cluster(workers=2)  # no scheduler: its periodic run would renew these cards first
    job = queues.queue().enqueue_call("tests.jobs.hooks.open_tasks_blocking_once", retry=Retry(max=3, interval=[1]))
    assert wait_for(lambda: queues.connection.get(hooks.STARTED_KEY), 60), "the job did not start"
    horse = int(queues.connection.get(hooks.STARTED_KEY))
    worker = _parent(horse)
    assert worker in {cluster.pid(name) for name in ("worker1", "worker2")}
    os.kill(horse, signal.SIGKILL)
    os.kill(worker, signal.SIGKILL)
    survivor = next(name for name in ("worker1", "worker2") if cluster.pid(name) not in (None, worker))

    # The survivor would find the job abandoned once its heartbeat ran out (minutes); move the clock on.
    assert wait_for(lambda: job.get_status(refresh=True) == JobStatus.STARTED, 10)
    StartedJobRegistry(queue=queues.queue()).cleanup(timestamp=time.time() + 3600)
    assert job.get_status(refresh=True) == JobStatus.SCHEDULED  # to be retried after its back-off
    # What the scheduler's loop does once the back-off has passed; the surviving worker runs it.
    assert enqueue_due_retries(queues.connection, queues.all(), timestamp=time.time() + 60) == [job.id]
    assert wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, 90), (
        job.get_status(refresh=True),
        (cluster.run_dir / f"{survivor}.log").read_text()[-2000:],
    )
    db.session.remove()
    for card_id in cards:
        tasks = tasks_of_card_id(card_id)
        assert len(tasks) == 2, tasks  # renewed once: the kill neither lost nor doubled a renewal
        assert sum(task.closed_at is None for task in tasks) == 1


def test_a_killed_job_without_retries_is_reported_failed_with_its_error(make_cluster):
    make_cluster(workers=1)
    stage = periodic_stage()
    card_in(stage, days_ago=10, agent=make_user(role_code="agent"))
    db.session.commit()
    job = queues.queue().enqueue_call("tests.jobs.hooks.open_tasks_blocking_once")
    assert wait_for(lambda: queues.connection.get(hooks.STARTED_KEY), 60)
    os.kill(int(queues.connection.get(hooks.STARTED_KEY)), signal.SIGKILL)  # the work-horse only
    # The worker sees its work-horse die and fails the job with the reason.
    assert wait_for(lambda: job.get_status(refresh=True) == JobStatus.FAILED, 60), job.get_status(refresh=True)
    from jobs import monitor as job_monitor

    row = next((row for row in job_monitor.list_jobs("failed") if row.id == job.id), None)
    assert row is not None and row.error, row  # on the owner's jobs page, with the reason


def test_two_schedulers_for_a_simulated_day_enqueue_each_periodic_run_once(app, make_cluster):
    speed = 720  # a simulated day in two minutes; a scheduler tick (0.1 s) is 72 simulated seconds
    cluster = make_cluster()
    cluster.env_extra.update(
        FAULTS_CLOCK_ORIGIN=f"{time.time():.3f}", FAULTS_CLOCK_SPEED=str(speed), FAULTS_TICK_SECONDS="0.1"
    )
    argv = [sys.executable, "-m", "tests.faults.fast_scheduler"]
    started = time.monotonic()
    cluster.spawn("scheduler-a", argv)
    cluster.spawn("scheduler-b", argv)
    real_day = DAY / speed

    def leader():
        for name in ("scheduler-a", "scheduler-b"):
            if "this scheduler holds the lease" in (cluster.run_dir / f"{name}.log").read_text():
                return name
        return None

    assert wait_for(leader, 30), "no scheduler took the lease"
    first = leader()
    time.sleep(max(0, started + real_day / 2 - time.monotonic()))
    cluster.stop_process(first)  # SIGTERM: it gives the lease back; the stand-by takes over
    time.sleep(max(0, started + real_day - time.monotonic()))
    for name in ("scheduler-a", "scheduler-b"):
        cluster.stop_process(name)

    second = "scheduler-b" if first == "scheduler-a" else "scheduler-a"
    assert "this scheduler holds the lease" in (cluster.run_dir / f"{second}.log").read_text(), (
        "the stand-by never took over"
    )
    runs = {}
    for entry in Redis.from_url(app.config["REDIS_URL"]).lrange(ENQUEUED_KEY, 0, -1):
        job_id, at = entry.decode().split()
        runs.setdefault(job_id, []).append(float(at))
    tick = 0.1 * speed
    for spec in PERIODIC_JOBS:
        interval, times = spec["interval_seconds"], sorted(runs.get(spec["id"], []))
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert all(gap >= interval - 1 for gap in gaps), (spec["id"], min(gaps))  # never twice in one period
        if interval >= DAY:
            assert len(times) == 1, (spec["id"], len(times))
        else:
            # Each period had its run (the takeover costs at most a tick or two).
            assert len(times) >= DAY / (interval + tick) - 3, (spec["id"], len(times))
