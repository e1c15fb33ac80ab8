"""The DDL of a cache signal's bump triggers, for the migrations, made by the app's one trigger
helper (models/ddl.py): the standard library only, so that a migration imports it without the app.

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

from models import ddl

EVERY_CHANGE = ("INSERT", "UPDATE", "DELETE")
_EVENT = re.compile(r"(INSERT|DELETE|UPDATE)( OF [a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*)?\Z")


def _checked(dialect, signal, table=None, events=()):
    ddl.known_dialect(dialect)
    ddl.plain(signal, *([table] if table is not None else []))
    kinds = [event.split()[0] for event in events]
    if not all(_EVENT.match(event) for event in events) or len(set(kinds)) != len(kinds):
        raise ValueError(f"events must be INSERT, DELETE, UPDATE [OF col, ...], one of each: {events!r}")


def _function(signal):
    return f"{signal}_signal_bump"


def _bump(signal):
    return f"UPDATE cache_signals SET version = version + 1 WHERE name = '{signal}';"  # noqa: S608 (a checked name)


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
        statements.append(ddl.pg_drop_function(_function(signal)))
    return statements


def _create_function(signal):
    return ddl.pg_function(_function(signal), f"{_bump(signal)}\nRETURN NULL;", replace=True)


def create_triggers(dialect, signal, table, events=EVERY_CHANGE):
    """The statements that make `events` of `table` bump `signal` (whose row must exist)."""
    _checked(dialect, signal, table, events)
    if dialect == "postgresql":
        when = f"AFTER {' OR '.join(events)}"
        return [
            _create_function(signal),
            ddl.pg_trigger(f"{signal}_signal", when, table, _function(signal), "STATEMENT"),
        ]
    return [
        ddl.sqlite_trigger(_sqlite_trigger(signal, table, event), f"AFTER {event}", table, _bump(signal))
        for event in events
    ]


def drop_triggers(dialect, signal, table, events=EVERY_CHANGE):
    """The reverse of create_triggers (the function stays: other tables' triggers call it)."""
    _checked(dialect, signal, table, events)
    if dialect == "postgresql":
        return [ddl.pg_drop_trigger(f"{signal}_signal", table)]
    return [ddl.sqlite_drop_trigger(_sqlite_trigger(signal, table, event)) for event in events]
