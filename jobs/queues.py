"""Redis and RQ wiring. Embedded mode uses one in-process fakeredis server for everything."""

import fakeredis
import redis

from jobs.handover import HandOverQueue

QUEUE_NAMES = ("default", "exports")
# The scheduler loop refreshes this key (a Unix time) every few seconds; the jobs page reads its age.
SCHEDULER_HEARTBEAT_KEY = "kartoteka:scheduler:heartbeat"
# Who may schedule: the `flask scheduler` process holding this lease (its token, renewed every tick).
SCHEDULER_LEADER_KEY = "kartoteka:scheduler:leader"


class QueueHub:
    def __init__(self):
        self.connection = None
        self._queues = {}

    def init_app(self, app):
        url = app.config.get("REDIS_URL")
        if url:
            self.connection = redis.Redis.from_url(url, health_check_interval=30)
        else:
            self.connection = fakeredis.FakeRedis(server=fakeredis.FakeServer())
        self._queues = {name: HandOverQueue(name, connection=self.connection) for name in QUEUE_NAMES}
        app.extensions["queues"] = self

    def queue(self, name="default"):
        return self._queues[name]

    def all(self):
        return list(self._queues.values())

    def enqueue(self, func, *args, queue="default", **kwargs):
        return self._queues[queue].enqueue(func, *args, **kwargs)
