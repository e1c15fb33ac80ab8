"""Fixtures. Embedded mode by default (SQLite file + fakeredis); the real PostgreSQL and Redis
when TEST_DATABASE_URL / TEST_REDIS_URL are set. Each run gets its own database and Redis db
number and removes them at the end."""

import os
import re
import tempfile
import uuid

import pytest

_TMP = tempfile.mkdtemp(prefix="kartoteka-test-")
os.environ["KARTOTEKA_INSTANCE"] = _TMP
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import sqlalchemy as sa  # noqa: E402

from config import TestConfig, normalize_database_url  # noqa: E402
from tests import factories  # noqa: E402
from tests.factories.cards import make_bank, make_spread, make_two_teams  # noqa: E402
from tests.services_setup import claim_redis_db, create_database, drop_database, release_redis_db  # noqa: E402

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
SERVICES_MODE = bool(TEST_DATABASE_URL)


def pytest_report_header(config):
    return f"kartoteka mode: {'services (PostgreSQL + Redis)' if SERVICES_MODE else 'embedded (SQLite + fakeredis)'}"


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from app import create_app

    database_name = None
    redis_url = None
    if TEST_DATABASE_URL:
        database_name = f"kartoteka_test_{uuid.uuid4().hex[:10]}"
        database_url = create_database(normalize_database_url(TEST_DATABASE_URL), database_name)
    else:
        database_url = f"sqlite:///{_TMP}/test.db"
    if TEST_REDIS_URL:
        redis_url = claim_redis_db(TEST_REDIS_URL)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        REDIS_URL = redis_url

    application = create_app(Config)
    with application.app_context():
        upgrade(directory="migrations")
    yield application
    with application.app_context():
        from extensions import db

        db.session.remove()
        db.engine.dispose()
    if database_name:
        drop_database(normalize_database_url(TEST_DATABASE_URL), database_name)
    if redis_url:
        release_redis_db(redis_url)


@pytest.fixture(autouse=True)
def fresh_process_cache():
    """Every test starts as a process that has kept nothing (services.platform.cache)."""
    from services.platform import cache

    cache.reset_all()


@pytest.fixture(autouse=True)
def db(app):
    """A clean database with reference data (roles, positions) for every test."""
    from extensions import db as database
    from extensions import queues
    from seeds.reference import load_reference

    with app.app_context():
        load_reference()
        yield database
        database.session.remove()
        tables = [t.name for t in reversed(database.metadata.sorted_tables)]
        with database.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(database.metadata.tables[table].delete())
        queues.connection.flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture
def people():
    """Two teams (tests.factories.cards.make_two_teams), shared by the cards' and the tasks' tests."""
    return make_two_teams()


@pytest.fixture
def banks():
    return [make_bank("Bank A", code="A"), make_bank("Bank B", code="B")]


@pytest.fixture
def spread(people, banks):
    """Cards of the three agents of `people`, at the two `banks`, on three stages."""
    return make_spread(people, banks)


@pytest.fixture
def login_as(app):
    """Sign in through the real form; returns a test client holding that session."""

    def _login(user, password=factories.PASSWORD, client=None):
        client = client or app.test_client()
        response = client.post(
            "/login", data={"username": user.username, "password": password, "csrf_token": csrf_token(client, "/login")}
        )
        assert response.status_code == 302, response.text
        return client

    return _login


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, url="/admin/profile/"):
    """The CSRF token a real page hands out to this client's session."""
    page = client.get(url)
    match = CSRF_RE.search(page.text) or re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return next(group for group in match.groups() if group)


@pytest.fixture
def token():
    return csrf_token
