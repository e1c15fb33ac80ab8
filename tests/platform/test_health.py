"""Liveness, readiness, request ids and the 503 page when the database is gone."""

import json
import logging
import os
import re
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from flask_login import login_user, logout_user
from sqlalchemy.exc import OperationalError

from admin_views.platform import request_log
from admin_views.platform.request_log import JsonFormatter
from extensions import db, queues
from models.cards import Bank
from services.platform import database
from tests.conftest import SERVICES_MODE
from tests.sql_capture import capture_sql


def test_healthz_answers_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_reports_database_redis_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}


def test_readyz_is_503_when_a_migration_is_pending(client):
    with db.engine.begin() as connection:
        original = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'abb5ad3ffe4c'")
    try:
        response = client.get("/readyz")
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": original})
    assert response.status_code == 503
    assert response.json["checks"]["migrations"] == "pending"


def test_readyz_is_503_when_redis_does_not_answer(client, monkeypatch):
    def refuse():
        raise ConnectionError("refused")

    monkeypatch.setattr(queues.connection, "ping", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"].startswith("unreachable")


def test_every_response_carries_a_request_id_and_keeps_a_valid_incoming_one(client):
    generated = client.get("/login").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/login", headers={"X-Request-ID": "lb-1234abcd"}).headers["X-Request-ID"] == "lb-1234abcd"
    assert client.get("/login", headers={"X-Request-ID": "bad id; drop"}).headers["X-Request-ID"] != "bad id; drop"


def test_a_request_is_logged_with_its_id_user_and_time(client, make_user, login_as, caplog):
    user = make_user(role_code="agent")
    browser = login_as(user)
    with caplog.at_level(logging.INFO, logger="kartoteka.request"):
        response = browser.get("/admin/profile/")
    record = next(r for r in caplog.records if r.fields["path"] == "/admin/profile/")
    assert record.fields["request_id"] == response.headers["X-Request-ID"]
    assert record.fields["user_id"] == user.id
    assert record.fields["status"] == 200 and record.fields["ms"] >= 0
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/admin/profile/" and line["user_id"] == user.id


def test_the_log_takes_the_user_id_of_a_committed_request_without_reloading_him(app, make_user):
    user = make_user(role_code="agent")
    user_id = user.id
    with app.test_request_context("/admin/cards/edit/", method="POST"):
        login_user(user)
        db.session.commit()  # as after a save: the user's attributes are expired
        with capture_sql() as sql:
            assert request_log._user_id() == user_id
        logout_user()
        assert request_log._user_id() is None
    assert sql.statements == []


def test_a_web_process_without_logging_set_up_still_writes_its_request_lines(tmp_path):
    script = (
        "from app import create_app; from config import TestConfig\n"
        "class Config(TestConfig):\n"
        f"    SQLALCHEMY_DATABASE_URI = 'sqlite:///{tmp_path}/empty.db'\n"
        "create_app(Config).test_client().get('/login')"
    )
    env = {**os.environ, "KARTOTEKA_INSTANCE": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)  # noqa: S603
    assert re.search(r"INFO \[kartoteka\.request\] [0-9a-f]{32} user=None GET /login 200 [0-9.]+ms", result.stderr), (
        result.stderr[-2000:]
    )


@pytest.fixture
def app_without_database(app):
    """The same app, pointed at a PostgreSQL port where nothing listens."""
    from app import create_app

    class Unreachable(type(app.config)):
        pass

    config = dict(app.config)
    config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://kartoteka@127.0.0.1:9/kartoteka"
    config["DATABASE_CONNECT_TIMEOUT_SECONDS"] = 2
    broken = create_app(type("Unreachable", (), config))
    yield broken
    with broken.app_context():
        db.engine.dispose()


def test_an_unreachable_database_gives_a_quick_503_page_and_readyz_says_why(app_without_database, caplog):
    client = app_without_database.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="kartoteka.request"):
        response = client.post("/login", data={"username": "owner", "password": "x", "csrf_token": token})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert time.monotonic() - started < 5
    assert any(r.getMessage().startswith("503 /login OperationalError: ") for r in caplog.records)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["database"].startswith("unreachable")


def test_the_app_recovers_by_itself_when_its_connections_are_killed(app, make_user, login_as):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    browser = login_as(make_user(role_code="owner"))
    assert browser.get("/admin/staff/").status_code == 200
    db.session.remove()
    killer = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with killer.connect() as probe:
        killed = probe.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    killer.dispose()
    assert killed >= 1
    assert browser.get("/admin/staff/").status_code == 200


def test_a_statement_over_the_timeout_is_cancelled_on_postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting")
    with db.engine.connect() as connection:
        setting = connection.exec_driver_sql("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        assert int(setting.scalar()) == app.config["DATABASE_STATEMENT_TIMEOUT_MS"]
        # and the web's short statements are neither JIT-compiled nor given parallel workers
        assert connection.exec_driver_sql("SHOW jit").scalar() == "off"
        assert connection.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"
        # while joins are planned with the server's setting (tests/platform/test_join_order.py)
        limit = "SELECT setting = boot_val FROM pg_settings WHERE name = 'join_collapse_limit'"
        assert connection.exec_driver_sql(limit).scalar()
        connection.exec_driver_sql("SET statement_timeout = 100")
        with pytest.raises(OperationalError):
            connection.exec_driver_sql("SELECT pg_sleep(2)")


@pytest.mark.skipif(not SERVICES_MODE, reason="kills a PostgreSQL backend")
def test_a_connection_killed_before_the_request_ends_does_not_turn_the_answer_into_a_500(app):
    pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()  # the session holds it now
    with db.engine.connect() as other:
        assert other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    database._end_session()  # the request's teardown: its ROLLBACK meets a dead connection
    assert db.session.execute(sa.text("SELECT 1")).scalar() == 1  # a fresh connection next time


def _prepared(statement_start):
    names = sa.text("SELECT name FROM pg_prepared_statements WHERE statement LIKE :start")
    return db.session.execute(names, {"start": statement_start + "%"}).scalars().all()


@pytest.mark.skipif(not SERVICES_MODE, reason="psycopg's prepared statements")
def test_a_request_that_only_read_commits_so_its_prepared_statements_are_kept(app):
    for _ in range(7):  # psycopg prepares a statement at its fifth run on a connection
        db.session.execute(sa.select(Bank.id).where(Bank.code == "kept")).all()
        database._end_session()
    assert len(_prepared("SELECT banks.id")) == 1
    db.session.add(Bank(code="dropped", name="Dropped"))
    db.session.flush()
    database._end_session()  # a write never committed is rolled back, and psycopg drops its statements
    assert _prepared("SELECT banks.id") == []
    assert db.session.execute(sa.select(Bank.id).where(Bank.code == "dropped")).first() is None


@pytest.mark.skipif(not SERVICES_MODE, reason="psycopg's prepared statements")
def test_a_request_whose_only_other_statement_is_a_plain_explain_still_commits(app):
    for _ in range(7):
        db.session.execute(sa.select(Bank.id).where(Bank.code == "kept")).all()
        db.session.execute(sa.text("EXPLAIN (FORMAT JSON) SELECT 1 FROM banks")).all()
        database._end_session()
    assert len(_prepared("SELECT banks.id")) == 1
    db.session.execute(sa.text("EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1 FROM banks")).all()
    database._end_session()  # EXPLAIN ANALYZE runs its statement: rolled back like any other
    assert _prepared("SELECT banks.id") == []


@pytest.mark.skipif(not SERVICES_MODE, reason="the read-only commit is PostgreSQL's")
@pytest.mark.parametrize("ending", ["pending object", "failed request", "statement other than SELECT"])
def test_a_request_that_did_more_than_read_is_rolled_back(app, ending):
    error = None
    db.session.execute(sa.text("SELECT 1")).all()
    if ending == "pending object":
        db.session.add(Bank(code="pending", name="Pending"))
    elif ending == "failed request":
        db.session.execute(sa.insert(Bank).values(code="pending", name="Pending"))
        error = RuntimeError("the view raised")
    else:
        db.session.execute(sa.insert(Bank).values(code="pending", name="Pending"))
        db.session.execute(sa.text("SELECT 1")).all()
    database._end_session(error)
    assert db.session.execute(sa.select(Bank.id).where(Bank.code == "pending")).first() is None
