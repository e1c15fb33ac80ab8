"""Taking a job off a queue without a moment in which a lost worker or a lost Redis loses it.

RQ's worker on several queues pops a job (LPOP) and, in the work horse, marks it started in a
later transaction than the one that records its execution. A worker killed, or Redis gone, in
between left a job that is in no queue and that the abandoned-job cleanup skips, since it is
not marked started. Here a waiting job moves to its queue's intermediate list (which RQ's
maintenance recovers), and recording the execution, marking the job started and taking it off
that list are one transaction.
"""

from rq import Queue
from rq.executions import Execution
from rq.intermediate_queue import IntermediateQueue
from rq.worker import WorkerStatus


class HandOverQueue(Queue):
    @classmethod
    def lpop(cls, queue_keys, timeout, connection=None):
        for queue_key in queue_keys:
            job_id = connection.lmove(queue_key, IntermediateQueue.get_intermediate_queue_key(queue_key))
            if job_id is not None:
                return queue_key, job_id
        if timeout is None:
            return None
        # Nothing waits: block until a job comes (RQ has no blocking move from several lists).
        return super().lpop(queue_keys, timeout, connection=connection)


class HandOverMixin:
    queue_class = HandOverQueue

    def prepare_execution(self, job):
        with self.connection.pipeline() as pipeline:
            execution = Execution.create(job, self.get_heartbeat_ttl(job), pipeline=pipeline, worker_name=self.name)
            self.executions[execution.id] = execution
            self.set_state(WorkerStatus.BUSY, pipeline=pipeline)
            job.prepare_for_execution(self.name, pipeline=pipeline)
            queue_key = self.queue_class.redis_queue_namespace_prefix + job.origin
            pipeline.lrem(IntermediateQueue.get_intermediate_queue_key(queue_key), 1, job.id)
            pipeline.execute()
        return execution
