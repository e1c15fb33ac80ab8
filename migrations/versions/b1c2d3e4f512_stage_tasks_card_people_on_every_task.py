"""stage_tasks: every card task carries its card's people, and the auto-tasks tab walks them

The auto-tasks tab shows the card tasks the viewer may see (the card's agent, manager, accountant or
a stage's responsible among his people), newest first. An agent sees ~4 % of the cards, so a page of
51 walked ~1,300 tasks and looked up each one's card (7-16 ms). Closed tasks now carry their card's
people too, and an index in the tab's order holds them: the walk reads only that index and looks up
the page's own cards.

The copy follows the card's people on every task of the card, closed ones included (migration
b1c2d3e4f509 copied them to the open task only). ix_stage_tasks_opened gives way to the new index:
every stage task is a card's, and the tab asks for card tasks only.

Revision ID: b1c2d3e4f512
Revises: b1c2d3e4f511
Create Date: 2026-12-05 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f512"
down_revision = "b1c2d3e4f511"
branch_labels = None
depends_on = None

CARD_TASK = "subject_type = 'card'"
PEOPLE = ("agent_id", "manager_id", "accountant_id")

# Locking the open task first: see b1c2d3e4f509 (a renewal that has not committed yet).
POSTGRESQL_FOLLOW = """
CREATE OR REPLACE FUNCTION stage_tasks_follow_card_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM stage_tasks WHERE subject_type = 'card' AND subject_id = NEW.id AND closed_at IS NULL FOR UPDATE;
    UPDATE stage_tasks
    SET card_agent_id = NEW.agent_id, card_manager_id = NEW.manager_id, card_accountant_id = NEW.accountant_id
    WHERE subject_type = 'card' AND subject_id = NEW.id{only_open};
    RETURN NULL;
END $$
"""
POSTGRESQL_FILL = """
UPDATE stage_tasks SET card_agent_id = cards.agent_id, card_manager_id = cards.manager_id,
                       card_accountant_id = cards.accountant_id
FROM cards
WHERE cards.id = stage_tasks.subject_id AND stage_tasks.subject_type = 'card'
  AND (stage_tasks.card_agent_id IS DISTINCT FROM cards.agent_id
       OR stage_tasks.card_manager_id IS DISTINCT FROM cards.manager_id
       OR stage_tasks.card_accountant_id IS DISTINCT FROM cards.accountant_id)
"""

SQLITE_FOLLOW = (
    "CREATE TRIGGER stage_tasks_follow_card_people AFTER UPDATE OF agent_id, manager_id, accountant_id ON cards"
    " WHEN OLD.agent_id IS NOT NEW.agent_id OR OLD.manager_id IS NOT NEW.manager_id"
    " OR OLD.accountant_id IS NOT NEW.accountant_id BEGIN\n"
    "UPDATE stage_tasks SET card_agent_id = NEW.agent_id, card_manager_id = NEW.manager_id,"
    " card_accountant_id = NEW.accountant_id"
    " WHERE subject_type = 'card' AND subject_id = NEW.id{only_open};\nEND"
)
SQLITE_FILL = (
    "UPDATE stage_tasks SET"
    " card_agent_id = (SELECT agent_id FROM cards WHERE id = stage_tasks.subject_id),"
    " card_manager_id = (SELECT manager_id FROM cards WHERE id = stage_tasks.subject_id),"
    " card_accountant_id = (SELECT accountant_id FROM cards WHERE id = stage_tasks.subject_id)"
    " WHERE subject_type = 'card' AND closed_at IS NOT NULL"
)
ONLY_OPEN = " AND closed_at IS NULL"


def _follow(postgresql, only_open):
    condition = ONLY_OPEN if only_open else ""
    if postgresql:
        op.execute(POSTGRESQL_FOLLOW.format(only_open=condition))
        return
    op.execute("DROP TRIGGER IF EXISTS stage_tasks_follow_card_people")
    op.execute(SQLITE_FOLLOW.format(only_open=condition))


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_stage_tasks_opened", table_name="stage_tasks")
    # The trigger first, then the fill, in the one migration transaction (see b1c2d3e4f505).
    _follow(postgresql, only_open=False)
    op.execute(POSTGRESQL_FILL if postgresql else SQLITE_FILL)
    op.create_index(
        "ix_stage_tasks_card_opened",
        "stage_tasks",
        ["opened_at", "id"],
        postgresql_include=["subject_id", *(f"card_{person}" for person in PEOPLE)],
        postgresql_where=sa.text(CARD_TASK),
        sqlite_where=sa.text(CARD_TASK),
    )
    if postgresql:
        op.execute("ANALYZE stage_tasks")


def downgrade():
    op.drop_index("ix_stage_tasks_card_opened", table_name="stage_tasks")
    _follow(op.get_bind().dialect.name == "postgresql", only_open=True)
    op.create_index("ix_stage_tasks_opened", "stage_tasks", ["opened_at", "id"])
