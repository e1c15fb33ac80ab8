"""Own database and Redis db number per test run on the real services, removed afterwards."""

import os

import sqlalchemy as sa
from redis import Redis

CLAIM_KEY = "kartoteka:test-run-claim"
CLAIM_SECONDS = 3 * 3600


def _admin_engine(url):
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def create_database(url, name):
    engine = _admin_engine(url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url, name):
    engine = _admin_engine(url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _base(url):
    return url.rsplit("/", 1)[0] if url.count("/") > 2 else url.rstrip("/")


def claim_redis_db(url):
    """The first free db number from 1 to 15. The claim lives in db 0 (the tests flush their own
    db), so parallel runs never share one; it expires on its own if a run is killed."""
    base = _base(url)
    registry = Redis.from_url(f"{base}/0")
    try:
        for number in range(1, 16):
            if not registry.set(f"{CLAIM_KEY}:{number}", os.getpid(), nx=True, ex=CLAIM_SECONDS):
                continue
            client = Redis.from_url(f"{base}/{number}")
            empty = client.dbsize() == 0
            client.close()
            if empty:
                return f"{base}/{number}"
            registry.delete(f"{CLAIM_KEY}:{number}")
    finally:
        registry.close()
    raise RuntimeError("no empty Redis database number left for the test run")


def release_redis_db(url):
    client = Redis.from_url(url)
    client.flushdb()
    client.close()
    number = url.rsplit("/", 1)[1]
    registry = Redis.from_url(f"{_base(url)}/0")
    registry.delete(f"{CLAIM_KEY}:{number}")
    registry.close()
