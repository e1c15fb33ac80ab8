"""stage moves that send a subject back: offered to who may move any subject (owner, administrator)

Revision ID: b1c2d3e4f518
Revises: b1c2d3e4f517
Create Date: 2026-12-07 10:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f518"
down_revision = "b1c2d3e4f517"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("stage_moves", sa.Column("back", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.execute("DELETE FROM stage_moves WHERE back")
    with op.batch_alter_table("stage_moves") as batch:
        batch.drop_column("back")
