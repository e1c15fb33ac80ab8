"""stage_tasks: the card's agent, manager and accountant on its open task, kept by triggers

A scoped board column walks the stage's open tasks by deadline and keeps those whose card the
viewer may see. It looked up every walked task's card for its people: for an agent, who sees ~5 %
of a stage, ~400 look-ups a column (28 ms for a board of nine). With the people on the task, in an
index with the walk's order, the walk reads only that index and looks up the page's own cards.

Triggers keep the columns in the transaction of every change, whatever makes it: a new card task
copies its card's people; a change of a card's people is copied to its open task. A task opened
by a transaction that has not committed yet (a move, a periodic renewal) is not in the snapshot of
a concurrent change of that card's people: so the card's trigger first waits for the open task's
row lock, which that transaction holds since it closed the task, and then updates with a fresh
snapshot, which holds the new task. Closed tasks keep what their card had when they closed.

Revision ID: b1c2d3e4f509
Revises: b1c2d3e4f508
Create Date: 2026-12-04 22:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f509"
down_revision = "b1c2d3e4f508"
branch_labels = None
depends_on = None

PEOPLE = ("agent_id", "manager_id", "accountant_id")
OPEN_CARD_TASK = "closed_at IS NULL AND subject_type = 'card'"

FILL = """
UPDATE stage_tasks SET
    card_agent_id = (SELECT cards.agent_id FROM cards WHERE cards.id = stage_tasks.subject_id),
    card_manager_id = (SELECT cards.manager_id FROM cards WHERE cards.id = stage_tasks.subject_id),
    card_accountant_id = (SELECT cards.accountant_id FROM cards WHERE cards.id = stage_tasks.subject_id)
WHERE closed_at IS NULL AND subject_type = 'card'
"""

POSTGRESQL_UP = [
    """
CREATE FUNCTION stage_tasks_card_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT agent_id, manager_id, accountant_id INTO NEW.card_agent_id, NEW.card_manager_id, NEW.card_accountant_id
    FROM cards WHERE id = NEW.subject_id;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER stage_tasks_card_people BEFORE INSERT ON stage_tasks
FOR EACH ROW WHEN (NEW.subject_type = 'card')
EXECUTE FUNCTION stage_tasks_card_people()
""",
    """
CREATE FUNCTION stage_tasks_follow_card_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM stage_tasks WHERE subject_type = 'card' AND subject_id = NEW.id AND closed_at IS NULL FOR UPDATE;
    UPDATE stage_tasks
    SET card_agent_id = NEW.agent_id, card_manager_id = NEW.manager_id, card_accountant_id = NEW.accountant_id
    WHERE subject_type = 'card' AND subject_id = NEW.id AND closed_at IS NULL;
    RETURN NULL;
END $$
""",
    """
CREATE TRIGGER stage_tasks_follow_card_people AFTER UPDATE OF agent_id, manager_id, accountant_id ON cards
FOR EACH ROW
WHEN (OLD.agent_id IS DISTINCT FROM NEW.agent_id OR OLD.manager_id IS DISTINCT FROM NEW.manager_id
      OR OLD.accountant_id IS DISTINCT FROM NEW.accountant_id)
EXECUTE FUNCTION stage_tasks_follow_card_people()
""",
    # The walk reads the index only while its pages are all-visible: vacuum the table's changes
    # while they are few (vacuum skips the pages that are already all-visible).
    "ALTER TABLE stage_tasks SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02)",
]
POSTGRESQL_DOWN = [
    "ALTER TABLE stage_tasks RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor)",
    "DROP TRIGGER IF EXISTS stage_tasks_follow_card_people ON cards",
    "DROP TRIGGER IF EXISTS stage_tasks_card_people ON stage_tasks",
    "DROP FUNCTION IF EXISTS stage_tasks_follow_card_people()",
    "DROP FUNCTION IF EXISTS stage_tasks_card_people()",
]

SQLITE_UP = [
    "CREATE TRIGGER stage_tasks_card_people AFTER INSERT ON stage_tasks WHEN NEW.subject_type = 'card' BEGIN\n"
    "UPDATE stage_tasks SET"
    " card_agent_id = (SELECT agent_id FROM cards WHERE id = NEW.subject_id),"
    " card_manager_id = (SELECT manager_id FROM cards WHERE id = NEW.subject_id),"
    " card_accountant_id = (SELECT accountant_id FROM cards WHERE id = NEW.subject_id)"
    " WHERE id = NEW.id;\nEND",
    "CREATE TRIGGER stage_tasks_follow_card_people AFTER UPDATE OF agent_id, manager_id, accountant_id ON cards"
    " WHEN OLD.agent_id IS NOT NEW.agent_id OR OLD.manager_id IS NOT NEW.manager_id"
    " OR OLD.accountant_id IS NOT NEW.accountant_id BEGIN\n"
    "UPDATE stage_tasks SET card_agent_id = NEW.agent_id, card_manager_id = NEW.manager_id,"
    " card_accountant_id = NEW.accountant_id"
    " WHERE subject_type = 'card' AND subject_id = NEW.id AND closed_at IS NULL;\nEND",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS stage_tasks_follow_card_people",
    "DROP TRIGGER IF EXISTS stage_tasks_card_people",
]


def upgrade():
    with op.batch_alter_table("stage_tasks", schema=None) as batch_op:
        for person in PEOPLE:
            batch_op.add_column(sa.Column(f"card_{person}", sa.Integer(), nullable=True))
    postgresql = op.get_bind().dialect.name == "postgresql"
    # Triggers first, then the fill, in the one migration transaction (see b1c2d3e4f505).
    for statement in POSTGRESQL_UP if postgresql else SQLITE_UP:
        op.execute(statement)
    op.execute(FILL)
    op.create_index(
        "ix_stage_tasks_open_people",
        "stage_tasks",
        ["stage_id", "deadline", "id"],
        postgresql_include=["subject_id", "assignee_id", *(f"card_{person}" for person in PEOPLE)],
        postgresql_where=sa.text(OPEN_CARD_TASK),
        sqlite_where=sa.text(OPEN_CARD_TASK),
    )
    if postgresql:
        op.execute("ANALYZE stage_tasks")


def downgrade():
    op.drop_index("ix_stage_tasks_open_people", table_name="stage_tasks")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_DOWN if postgresql else SQLITE_DOWN:
        op.execute(statement)
    with op.batch_alter_table("stage_tasks", schema=None) as batch_op:
        for person in reversed(PEOPLE):
            batch_op.drop_column(f"card_{person}")
