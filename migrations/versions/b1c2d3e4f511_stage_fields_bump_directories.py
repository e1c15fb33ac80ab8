"""stage_fields: a change bumps the 'directories' signal, as a change to a stage does

The auto-tasks tab shows the values entered at each step under their fields' labels, and web
processes now keep the stages' fields with the stages' names, per version of the 'directories'
signal (migration b1c2d3e4f510). A field added, renamed, reordered or removed — from the stage
editor, a job or psql — bumps it in its own transaction.

Revision ID: b1c2d3e4f511
Revises: b1c2d3e4f510
Create Date: 2026-12-05 06:00:00

"""

from alembic import op

revision = "b1c2d3e4f511"
down_revision = "b1c2d3e4f510"
branch_labels = None
depends_on = None

BUMP = "UPDATE cache_signals SET version = version + 1 WHERE name = 'directories'"
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _sqlite_name(event):
    return f"directories_signal_stage_fields_{event.lower()}"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # directories_signal_bump() is the function of migration b1c2d3e4f510.
        op.execute(
            "CREATE TRIGGER directories_signal AFTER INSERT OR UPDATE OR DELETE ON stage_fields"
            " FOR EACH STATEMENT EXECUTE FUNCTION directories_signal_bump()"
        )
        return
    for event in SQLITE_EVENTS:
        op.execute(f"CREATE TRIGGER {_sqlite_name(event)} AFTER {event} ON stage_fields BEGIN\n{BUMP};\nEND")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS directories_signal ON stage_fields")
        return
    for event in SQLITE_EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(event)}")
