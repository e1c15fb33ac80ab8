"""cards: an index of the card's people together (agent, manager, accountant)

An archive filter by a person outside the viewer's scope reads, for each of the viewer's people in
another role, the cards of both: agent 20 AND a manager of the viewer's team. With an index per
person, PostgreSQL ANDed a bitmap of the filtered agent's cards with one of every card of the team
(~240,000 for a manager, 16 ms); with both in one index it reads the few matching entries.

Revision ID: b1c2d3e4f508
Revises: b1c2d3e4f507
Create Date: 2026-12-04 19:20:00

"""

from alembic import op

revision = "b1c2d3e4f508"
down_revision = "b1c2d3e4f507"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cards_people", "cards", ["agent_id", "manager_id", "accountant_id"])


def downgrade():
    op.drop_index("ix_cards_people", table_name="cards")
