"""The DDL of a cache signal's bump triggers, for the migrations: the standard library only, so that a
migration imports it without the app.

Words (see services.platform.cache):
- signal: a row of `cache_signals` (name, version); a web process keeps values per its version.
- bump: `version = version + 1` in the transaction of the change, whatever made it (the panel, a
  job, psql), so that every process reloads at its next request.
- events: the changes of a table that bump the signal, each INSERT, DELETE, UPDATE or
  `UPDATE OF col, col` (only a change of those columns), one of each kind.

On PostgreSQL one function a signal (`<signal>_signal_bump()`) and one statement-level trigger a
table (`<signal>_signal`); on SQLite one row-level trigger a table and event
(`<signal>_signal_<table>_<insert|update|delete>`) — the names migrations b1c2d3e4f507 and
b1c2d3e4f510/511 gave theirs, so that a new migration may drop those too. A migration runs each
statement:

    dialect = op.get_bind().dialect.name
    for statement in signal_ddl.create_triggers(dialect, "directories", "clients", ("INSERT", "DELETE")):
        op.execute(statement)
"""

import re
import secrets

EVERY_CHANGE = ("INSERT", "UPDATE", "DELETE")
DIALECTS = ("postgresql", "sqlite")
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_EVENT = re.compile(r"(INSERT|DELETE|UPDATE)( OF [a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*)?\Z")


def _checked(dialect, signal, table=None, events=()):
    if dialect not in DIALECTS:
        raise ValueError(f"no signal triggers for {dialect!r}")
    for name in (signal, table) if table is not None else (signal,):
        if not _NAME.match(name):
            raise ValueError(f"not a plain lower-case name: {name!r}")
    kinds = [event.split()[0] for event in events]
    if not all(_EVENT.match(event) for event in events) or len(set(kinds)) != len(kinds):
        raise ValueError(f"events must be INSERT, DELETE, UPDATE [OF col, ...], one of each: {events!r}")


def _function(signal):
    return f"{signal}_signal_bump"


def _bump(signal):
    return f"UPDATE cache_signals SET version = version + 1 WHERE name = '{signal}'"  # noqa: S608 (a checked name)


def _sqlite_trigger(signal, table, event):
    return f"{signal}_signal_{table}_{event.split()[0].lower()}"


def create_signal(dialect, signal):
    """The signal's row, at a random version (a process cannot meet the same version with another
    database's data: a restore, a test's), and on PostgreSQL its bump function."""
    _checked(dialect, signal)
    version = secrets.randbits(48)
    statements = [f"INSERT INTO cache_signals (name, version) VALUES ('{signal}', {version})"]  # noqa: S608
    if dialect == "postgresql":
        statements.append(_create_function(signal))
    return statements


def drop_signal(dialect, signal):
    """The reverse of create_signal; its tables' triggers are to be dropped first."""
    _checked(dialect, signal)
    statements = [f"DELETE FROM cache_signals WHERE name = '{signal}'"]  # noqa: S608 (a checked name)
    if dialect == "postgresql":
        statements.append(f"DROP FUNCTION IF EXISTS {_function(signal)}()")
    return statements


def _create_function(signal):
    return (
        f"CREATE OR REPLACE FUNCTION {_function(signal)}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n    {_bump(signal)};\n    RETURN NULL;\nEND $$"
    )


def create_triggers(dialect, signal, table, events=EVERY_CHANGE):
    """The statements that make `events` of `table` bump `signal` (whose row must exist)."""
    _checked(dialect, signal, table, events)
    if dialect == "postgresql":
        return [
            _create_function(signal),
            f"CREATE TRIGGER {signal}_signal AFTER {' OR '.join(events)} ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {_function(signal)}()",
        ]
    return [
        f"CREATE TRIGGER {_sqlite_trigger(signal, table, event)} AFTER {event} ON {table} BEGIN\n{_bump(signal)};\nEND"
        for event in events
    ]


def drop_triggers(dialect, signal, table, events=EVERY_CHANGE):
    """The reverse of create_triggers (the function stays: other tables' triggers call it)."""
    _checked(dialect, signal, table, events)
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {signal}_signal ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {_sqlite_trigger(signal, table, event)}" for event in events]
