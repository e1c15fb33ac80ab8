"""The triggers that models.platform.signal_ddl writes for a table bump its signal's version with
the table's INSERT, UPDATE and DELETE on the database the tests run on (SQLite, or PostgreSQL in
services mode), and with nothing else; they carry the names of the migrations' hand-written ones."""

import pytest
from sqlalchemy import text

from models.platform import signal_ddl

PROBE = "signal_ddl_probe"
SIGNAL = "probe"


def run(db, *statements, **params):
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)


def version(db):
    with db.engine.connect() as connection:
        return connection.scalar(text("SELECT version FROM cache_signals WHERE name = :name"), {"name": SIGNAL})


@pytest.fixture
def dialect(db):
    """A table of its own and the 'probe' signal, gone after the test."""
    name = db.engine.dialect.name
    run(db, f"CREATE TABLE {PROBE} (id INTEGER PRIMARY KEY, name VARCHAR(40), note VARCHAR(40))")
    run(db, *signal_ddl.create_signal(name, SIGNAL))
    yield name
    run(db, f"DROP TABLE IF EXISTS {PROBE}")  # and its triggers
    run(db, *signal_ddl.drop_signal(name, SIGNAL))


def bumps(db, statement):
    """How many times `statement` (one row) bumped the signal."""
    before = version(db)
    run(db, statement)
    return version(db) - before


def test_every_change_of_the_table_bumps_the_signal(db, dialect):
    run(db, *signal_ddl.create_triggers(dialect, SIGNAL, PROBE))
    assert bumps(db, "INSERT INTO signal_ddl_probe (id, name, note) VALUES (1, 'a', 'x')") == 1
    assert bumps(db, "UPDATE signal_ddl_probe SET note = 'y' WHERE id = 1") == 1
    assert bumps(db, "DELETE FROM signal_ddl_probe WHERE id = 1") == 1


def test_only_the_chosen_events_and_columns_bump_it(db, dialect):
    run(db, *signal_ddl.create_triggers(dialect, SIGNAL, PROBE, ("INSERT", "UPDATE OF name")))
    assert bumps(db, "INSERT INTO signal_ddl_probe (id, name, note) VALUES (1, 'a', 'x')") == 1
    assert bumps(db, "UPDATE signal_ddl_probe SET note = 'y' WHERE id = 1") == 0
    assert bumps(db, "UPDATE signal_ddl_probe SET name = 'b' WHERE id = 1") == 1
    assert bumps(db, "DELETE FROM signal_ddl_probe WHERE id = 1") == 0


def test_dropped_triggers_bump_it_no_more(db, dialect):
    run(db, *signal_ddl.create_triggers(dialect, SIGNAL, PROBE))
    run(db, *signal_ddl.drop_triggers(dialect, SIGNAL, PROBE))
    assert bumps(db, "INSERT INTO signal_ddl_probe (id, name, note) VALUES (1, 'a', 'x')") == 0


def test_a_second_table_shares_the_signal(db, dialect):
    other = "signal_ddl_probe_other"
    run(db, f"CREATE TABLE {other} (id INTEGER PRIMARY KEY)")
    try:
        run(db, *signal_ddl.create_triggers(dialect, SIGNAL, PROBE))
        run(db, *signal_ddl.create_triggers(dialect, SIGNAL, other, ("INSERT",)))
        assert bumps(db, "INSERT INTO signal_ddl_probe_other (id) VALUES (1)") == 1
        assert bumps(db, "INSERT INTO signal_ddl_probe (id) VALUES (1)") == 1
    finally:
        run(db, f"DROP TABLE IF EXISTS {other}")


@pytest.mark.parametrize(("signal", "table"), [("access", "memberships"), ("directories", "banks")])
def test_the_names_are_those_of_the_migrations_triggers(db, signal, table):
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        found = "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:table AS regclass) AND NOT tgisinternal"
    else:
        found = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
    with db.engine.connect() as connection:
        names = set(connection.scalars(text(found), {"table": table}))
    dropped = {statement.split()[4] for statement in signal_ddl.drop_triggers(dialect, signal, table)}
    assert dropped and dropped <= names


@pytest.mark.parametrize(
    ("signal", "table", "events"),
    [
        ("probe; DROP TABLE users", PROBE, ("INSERT",)),
        ("probe", "Users", ("INSERT",)),
        ("probe", PROBE, ("TRUNCATE",)),
        ("probe", PROBE, ("UPDATE OF name", "UPDATE OF note")),
    ],
)
def test_names_and_events_are_checked(signal, table, events):
    with pytest.raises(ValueError):
        signal_ddl.create_triggers("sqlite", signal, table, events)
