"""the stage counters and the ledger's balances add up new rows once per statement (PostgreSQL)

Revision ID: b1c2d3e4f527
Revises: b1c2d3e4f526
Create Date: 2026-12-07 19:40:00

The subjects' and the ledger's triggers are made again from their declarations: a bulk INSERT now
adds to each counter and balance row once. The downgrade keeps them (they keep the same figures).
SQLite's triggers are row-level and stay as they are.
"""

from alembic import op

from models.ledger import ddl as ledger_ddl
from models.pipeline import subject_ddl

revision = "b1c2d3e4f527"
down_revision = "b1c2d3e4f526"
branch_labels = None
depends_on = None

SUBJECTS = (
    subject_ddl.SubjectTable("cards", "card", ("agent_id", "manager_id", "accountant_id")),
    subject_ddl.SubjectTable("clients", "client", ("responsible_id",)),
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for subject in SUBJECTS:
        for statement in subject_ddl.postgresql_down(subject) + subject_ddl.postgresql_up(subject):
            op.execute(statement)
    for statement in ledger_ddl.postgresql_down() + ledger_ddl.postgresql_up():
        op.execute(statement)


def downgrade():
    pass
