"""Joins in the order written (join_collapse_limit = 1) for the statements that ask for it
(services.platform.database.joins_as_written), the server's setting for every other statement."""

import pytest
import sqlalchemy as sa

from extensions import db
from services.platform import database

DEFAULT_LIMIT = "SELECT boot_val FROM pg_settings WHERE name = 'join_collapse_limit'"
LIMIT_NOW = sa.select(sa.func.current_setting("join_collapse_limit"))


@pytest.fixture
def postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("join_collapse_limit is a PostgreSQL setting")
    return db.session.execute(sa.text(DEFAULT_LIMIT)).scalar()


def test_an_ordinary_connection_plans_joins_with_the_server_setting(postgresql):
    assert postgresql != "1"
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW join_collapse_limit").scalar() == postgresql
        assert connection.execute(LIMIT_NOW).scalar() == postgresql


def test_a_statement_with_joins_as_written_runs_with_the_limit_and_the_next_one_without(postgresql):
    assert db.session.execute(database.joins_as_written(LIMIT_NOW)).scalar() == "1"
    # in the same transaction, before and after it: the server's setting
    assert db.session.execute(LIMIT_NOW).scalar() == postgresql
    assert db.session.execute(database.joins_as_written(LIMIT_NOW)).scalar() == "1"
    assert db.session.execute(sa.text("SHOW join_collapse_limit")).scalar() == postgresql


def test_joins_as_written_keeps_the_statement_and_its_rows(postgresql):
    numbers = sa.select(sa.func.generate_series(1, 3).label("n"))
    assert db.session.execute(database.joins_as_written(numbers)).scalars().all() == [1, 2, 3]


def test_a_read_with_joins_as_written_still_ends_with_commit(postgresql):
    """The SET LOCAL around the statement is not a write: the read keeps its prepared statements."""
    db.session.execute(database.joins_as_written(LIMIT_NOW)).scalar()
    assert not db.session.connection().info[database.WROTE]


def test_a_failed_statement_with_joins_as_written_leaves_nothing_behind(postgresql):
    failing = sa.select(sa.cast(sa.literal("x"), sa.Integer))
    with pytest.raises(sa.exc.DataError):
        db.session.execute(database.joins_as_written(failing))
    db.session.rollback()
    assert db.session.execute(LIMIT_NOW).scalar() == postgresql
