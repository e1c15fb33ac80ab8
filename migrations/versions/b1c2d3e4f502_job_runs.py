"""job run keys and scheduled job bookkeeping

Revision ID: b1c2d3e4f502
Revises: b1c2d3e4f501
Create Date: 2026-11-29 00:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f502"
down_revision = "b1c2d3e4f501"
branch_labels = None
depends_on = None


def upgrade():
    # The period of a task opened by the periodic job: unique per subject, so a second run is a no-op.
    with op.batch_alter_table("stage_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_key", sa.String(length=40), nullable=True))
        batch_op.create_index("uq_stage_tasks_period", ["subject_type", "subject_id", "period_key"], unique=True)


def downgrade():
    with op.batch_alter_table("stage_tasks", schema=None) as batch_op:
        batch_op.drop_index("uq_stage_tasks_period")
        batch_op.drop_column("period_key")
