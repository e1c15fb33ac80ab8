"""cache_signals: a version of everyone's access, bumped by triggers when roles or positions change

Every signed-in request reads the 'access' version with its session row. Web processes keep each
user's permissions, 2FA rule and offices of his scope per version, so a request no longer loads
his role grants, memberships and positions; a change to any of them — from the panel, a job or
psql — bumps the version in its own transaction and every process rereads at its next request.

Revision ID: b1c2d3e4f507
Revises: b1c2d3e4f506
Create Date: 2026-11-29 09:10:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f507"
down_revision = "b1c2d3e4f506"
branch_labels = None
depends_on = None

BUMP = "UPDATE cache_signals SET version = version + 1 WHERE name = 'access'"
# (table, the events that change someone's access through it)
WATCHED = [
    ("role_permissions", "INSERT OR UPDATE OR DELETE", ("INSERT", "UPDATE", "DELETE")),
    ("roles", "UPDATE OF require_2fa OR DELETE", ("UPDATE OF require_2fa", "DELETE")),
    ("users", "INSERT OR UPDATE OF role_id", ("INSERT", "UPDATE OF role_id")),
    ("memberships", "INSERT OR UPDATE OR DELETE", ("INSERT", "UPDATE", "DELETE")),
    ("positions", "UPDATE OF role_id OR DELETE", ("UPDATE OF role_id", "DELETE")),
]


def _sqlite_name(table, event):
    return f"access_signal_{table}_{event.split()[0].lower()}"


def upgrade():
    op.create_table(
        "cache_signals",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_signals")),
    )
    # A random start: a process that kept snapshots of another database (a restore of another
    # one, a test's) cannot meet the same version with other data.
    op.execute(f"INSERT INTO cache_signals (name, version) VALUES ('access', {secrets.randbits(48)})")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION access_signal_bump() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    {BUMP};\n    RETURN NULL;\nEND $$"
        )
        for table, events, _ in WATCHED:
            op.execute(
                f"CREATE TRIGGER access_signal AFTER {events} ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION access_signal_bump()"
            )
        return
    for table, _, events in WATCHED:
        for event in events:
            op.execute(f"CREATE TRIGGER {_sqlite_name(table, event)} AFTER {event} ON {table} BEGIN\n{BUMP};\nEND")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, _, _ in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS access_signal ON {table}")
        op.execute("DROP FUNCTION IF EXISTS access_signal_bump()")
    else:
        for table, _, events in WATCHED:
            for event in events:
                op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(table, event)}")
    op.drop_table("cache_signals")
