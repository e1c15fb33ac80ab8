"""Own database and Redis db number per test run on the real services, removed afterwards."""

import sqlalchemy as sa
from redis import Redis

CLAIM_KEY = "kartoteka:test-run-claim"


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


def claim_redis_db(url):
    """The first empty db number from 1 to 15, claimed atomically so that parallel runs differ."""
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url.rstrip("/")
    for number in range(1, 16):
        client = Redis.from_url(f"{base}/{number}")
        if client.dbsize() == 0 and client.set(CLAIM_KEY, "1", nx=True):
            client.delete(CLAIM_KEY)
            client.close()
            return f"{base}/{number}"
        client.close()
    raise RuntimeError("no empty Redis database number left for the test run")


def release_redis_db(url):
    client = Redis.from_url(url)
    client.flushdb()
    client.close()
