"""cache_signals: a version of the select lists and the stages' names, bumped by triggers

The tracker, the cards' tabs and archive filters and a card's page show the banks, the suppliers,
the people of each role and the stages' names and colours: up to five queries of reference data a
page. Web processes keep them per version of the 'directories' signal, which every signed-in
request reads with its session row; a change to a bank, a supplier, a person's name, role, block or
deletion, a role's code, a pipeline's code or a stage — from the panel, a job or psql — bumps it in
its own transaction.

Revision ID: b1c2d3e4f510
Revises: b1c2d3e4f509
Create Date: 2026-12-05 01:40:00

"""

import secrets

from alembic import op

revision = "b1c2d3e4f510"
down_revision = "b1c2d3e4f509"
branch_labels = None
depends_on = None

BUMP = "UPDATE cache_signals SET version = version + 1 WHERE name = 'directories'"
PEOPLE_COLUMNS = "full_name, username, role_id, is_blocked, deleted_at"
# (table, PostgreSQL's events, SQLite's events: one trigger each)
WATCHED = [
    ("banks", "INSERT OR UPDATE OR DELETE", ("INSERT", "UPDATE", "DELETE")),
    ("contractors", "INSERT OR UPDATE OR DELETE", ("INSERT", "UPDATE", "DELETE")),
    ("users", f"INSERT OR DELETE OR UPDATE OF {PEOPLE_COLUMNS}", ("INSERT", "DELETE", f"UPDATE OF {PEOPLE_COLUMNS}")),
    ("roles", "UPDATE OF code OR DELETE", ("UPDATE OF code", "DELETE")),
    ("pipelines", "UPDATE OF code OR DELETE", ("UPDATE OF code", "DELETE")),
    ("stages", "INSERT OR UPDATE OR DELETE", ("INSERT", "UPDATE", "DELETE")),
]


def _sqlite_name(table, event):
    return f"directories_signal_{table}_{event.split()[0].lower()}"


def upgrade():
    # A random start, as the access signal's: a process cannot meet the same version with another
    # database's lists.
    op.execute(f"INSERT INTO cache_signals (name, version) VALUES ('directories', {secrets.randbits(48)})")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION directories_signal_bump() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    {BUMP};\n    RETURN NULL;\nEND $$"
        )
        for table, events, _ in WATCHED:
            op.execute(
                f"CREATE TRIGGER directories_signal AFTER {events} ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION directories_signal_bump()"
            )
        return
    for table, _, events in WATCHED:
        for event in events:
            op.execute(f"CREATE TRIGGER {_sqlite_name(table, event)} AFTER {event} ON {table} BEGIN\n{BUMP};\nEND")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, _, _ in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS directories_signal ON {table}")
        op.execute("DROP FUNCTION IF EXISTS directories_signal_bump()")
    else:
        for table, _, events in WATCHED:
            for event in events:
                op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(table, event)}")
    op.execute("DELETE FROM cache_signals WHERE name = 'directories'")
