"""exports and scheduled export emails

Revision ID: b1c2d3e4f504
Revises: b1c2d3e4f503
Create Date: 2026-11-29 00:40:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "b1c2d3e4f504"
down_revision = "b1c2d3e4f503"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
