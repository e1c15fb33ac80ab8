"""A job a worker has taken is never in no list: lost between taking it and running it, it comes
back through RQ's own recovery (the intermediate list, the abandoned-job cleanup)."""

import time

from rq import Retry
from rq.job import JobStatus

from extensions import queues
from jobs.runner import EmbeddedWorker, make_worker

JOB = "jobs.platform.purge_old_login_attempts"


def take_one(app):
    worker = make_worker(app, EmbeddedWorker)
    job, queue = worker.dequeue_job_and_maintain_ttl(None)
    return worker, job, queue


def test_a_job_taken_by_a_worker_that_is_lost_at_once_is_retried(app):
    job = queues.enqueue(JOB, retry=Retry(max=1))
    _worker, taken, queue = take_one(app)
    assert taken.id == job.id
    assert job.id not in queue.get_job_ids()
    assert queue.intermediate_queue.get_job_ids() == [job.id]

    # The worker is gone; another one's maintenance sees the job twice, a minute apart.
    survivor = make_worker(app, EmbeddedWorker)
    stuck = queue.intermediate_queue
    stuck.cleanup(survivor, queue)
    queues.connection.set(stuck.get_first_seen_key(job.id), time.time() - 120)
    stuck.cleanup(survivor, queue)

    assert stuck.get_job_ids() == []
    assert queue.get_job_ids() == [job.id]
    assert make_worker(app, EmbeddedWorker).work(burst=True) is True
    assert job.get_status(refresh=True) == JobStatus.FINISHED


def test_a_job_whose_worker_is_lost_after_recording_its_execution_is_found_abandoned(app):
    job = queues.enqueue(JOB, retry=Retry(max=1))
    worker, taken, queue = take_one(app)
    worker.prepare_execution(taken)

    assert job.get_status(refresh=True) == JobStatus.STARTED
    assert job.id in queue.started_job_registry
    assert queue.intermediate_queue.get_job_ids() == []

    queue.started_job_registry.cleanup(timestamp=time.time() + 3600)
    assert queue.get_job_ids() == [job.id]
    assert make_worker(app, EmbeddedWorker).work(burst=True) is True
    assert job.get_status(refresh=True) == JobStatus.FINISHED


def test_jobs_run_from_both_queues_leave_nothing_behind(app):
    jobs = [queues.enqueue(JOB), queues.enqueue(JOB, queue="exports")]
    assert make_worker(app, EmbeddedWorker).work(burst=True) is True

    assert [job.get_status(refresh=True) for job in jobs] == [JobStatus.FINISHED] * 2
    for queue in queues.all():
        assert queue.intermediate_queue.get_job_ids() == []
        assert queue.started_job_registry.get_job_ids() == []
        assert queue.count == 0
