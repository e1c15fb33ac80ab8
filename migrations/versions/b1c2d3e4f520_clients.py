"""clients on the training pipeline, and the employees who have been responsible for each

A second subject of the engine: its table, the triggers its declaration gives (subject_ddl), the
history of its responsible employees. The pipeline itself is data (seeds/pipelines/clients.yaml).

Revision ID: b1c2d3e4f520
Revises: b1c2d3e4f519
Create Date: 2026-12-07 13:40:00

"""

import sqlalchemy as sa
from alembic import op

from models.pipeline import subject_ddl

revision = "b1c2d3e4f520"
down_revision = "b1c2d3e4f519"
branch_labels = None
depends_on = None

CLIENTS = subject_ddl.SubjectTable("clients", "client", ("responsible_id",))


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("phone_other", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("messenger", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=80), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("is_partner", sa.Boolean(), nullable=False),
        sa.Column("partner_since", sa.DateTime(), nullable=True),
        sa.Column("tags", sa.String(length=255), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("pipeline_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("stage_entered_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_clients_office_id_offices")),
        sa.ForeignKeyConstraint(["responsible_id"], ["users.id"], name=op.f("fk_clients_responsible_id_users")),
        sa.ForeignKeyConstraint(["referrer_id"], ["clients.id"], name=op.f("fk_clients_referrer_id_clients")),
        sa.ForeignKeyConstraint(["pipeline_id"], ["pipelines.id"], name=op.f("fk_clients_pipeline_id_pipelines")),
        sa.ForeignKeyConstraint(["stage_id"], ["stages.id"], name=op.f("fk_clients_stage_id_stages")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_clients_created_by_id_users")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_clients_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    for name, columns in (
        ("ix_clients_bucket_id", ["bucket", "id"]),
        ("ix_clients_responsible_id", ["responsible_id", "id"]),
        ("ix_clients_office_id", ["office_id", "id"]),
        ("ix_clients_referrer_id", ["referrer_id"]),
        ("ix_clients_phone", ["phone"]),
        ("ix_clients_email", ["email"]),
        ("ix_clients_stage_id", ["stage_id"]),
        ("ix_clients_deleted_at", ["deleted_at"]),
    ):
        op.create_index(name, "clients", columns)
    op.create_index(
        "ix_clients_board",
        "clients",
        ["stage_id", "responsible_id", "office_id", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    if postgresql:
        op.execute("CREATE INDEX ix_clients_full_name_trgm ON clients USING gin (full_name gin_trgm_ops)")
    else:
        op.create_index("ix_clients_full_name_trgm", "clients", ["full_name"])
    op.create_table(
        "client_responsibles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_responsibles_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_client_responsibles_user_id_users")),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_client_responsibles_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_responsibles")),
    )
    op.create_index("ix_client_responsibles_client", "client_responsibles", ["client_id", "since"])
    for statement in subject_ddl.up(op.get_bind().dialect.name, CLIENTS):
        op.execute(statement)


def downgrade():
    for statement in subject_ddl.down(op.get_bind().dialect.name, CLIENTS):
        op.execute(statement)
    op.drop_table("client_responsibles")
    op.drop_table("clients")
