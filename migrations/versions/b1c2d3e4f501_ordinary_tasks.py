"""ordinary tasks and comments

Revision ID: b1c2d3e4f501
Revises: abb5ad3ffe4c
Create Date: 2026-11-29 00:40:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "b1c2d3e4f501"
down_revision = "abb5ad3ffe4c"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
