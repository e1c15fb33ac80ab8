"""salary: periods, plans per position with their versions, personal overrides, leaders'
adjustments, the frozen results of closed periods; HR's candidates and interviews

Revision ID: b1c2d3e4f528
Revises: b1c2d3e4f527
Create Date: 2026-12-07 19:05:57

"""

import sqlalchemy as sa
from alembic import op

from models.salary import ddl as salary_ddl

revision = "b1c2d3e4f528"
down_revision = "b1c2d3e4f527"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "salary_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closing', 'closed')", name=op.f("ck_salary_periods_status_known")),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_salary_periods_ends_after_start")),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_salary_periods_closed_by_id_users")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_salary_periods_created_by_id_users"), use_alter=True
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_salary_periods_updated_by_id_users"), use_alter=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_periods")),
        sa.UniqueConstraint("starts_on", name=op.f("uq_salary_periods_starts_on")),
    )
    op.create_table(
        "salary_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("raises_targets", sa.Boolean(), nullable=False),
        sa.Column("raise_after", sa.Integer(), nullable=False),
        sa.Column("raise_percent", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("raise_fixed", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_salary_plans_created_by_id_users"), use_alter=True
        ),
        sa.ForeignKeyConstraint(["position_id"], ["positions.id"], name=op.f("fk_salary_plans_position_id_positions")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_salary_plans_updated_by_id_users"), use_alter=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_plans")),
        sa.UniqueConstraint("position_id", name=op.f("uq_salary_plans_position_id")),
    )
    op.create_table(
        "salary_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("cancels_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('bonus', 'deduction')", name=op.f("ck_salary_adjustments_kind_known")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_salary_adjustments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["cancels_id"], ["salary_adjustments.id"], name=op.f("fk_salary_adjustments_cancels_id_salary_adjustments")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_salary_adjustments_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["salary_periods.id"], name=op.f("fk_salary_adjustments_period_id_salary_periods")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_salary_adjustments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_adjustments")),
        sa.UniqueConstraint("cancels_id", name=op.f("uq_salary_adjustments_cancels_id")),
    )
    with op.batch_alter_table("salary_adjustments", schema=None) as batch_op:
        batch_op.create_index("ix_salary_adjustments_period_user", ["period_id", "user_id"], unique=False)

    op.create_table(
        "salary_plan_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("from_period_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('manual', 'raise', 'hold')", name=op.f("ck_salary_plan_overrides_kind_known")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_salary_plan_overrides_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["from_period_id"],
            ["salary_periods.id"],
            name=op.f("fk_salary_plan_overrides_from_period_id_salary_periods"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_salary_plan_overrides_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_plan_overrides")),
    )
    with op.batch_alter_table("salary_plan_overrides", schema=None) as batch_op:
        batch_op.create_index("ix_salary_plan_overrides_user", ["user_id", "from_period_id"], unique=False)
        batch_op.create_index(
            "uq_salary_plan_overrides_raise",
            ["user_id", "key", "from_period_id"],
            unique=True,
            postgresql_where=sa.text("kind = 'raise'"),
            sqlite_where=sa.text("kind = 'raise'"),
        )

    op.create_table(
        "salary_plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("from_period_id", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_salary_plan_versions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["from_period_id"],
            ["salary_periods.id"],
            name=op.f("fk_salary_plan_versions_from_period_id_salary_periods"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["salary_plans.id"], name=op.f("fk_salary_plan_versions_plan_id_salary_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_plan_versions")),
        sa.UniqueConstraint("plan_id", "from_period_id", name="uq_salary_plan_versions_from"),
    )
    op.create_table(
        "salary_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("base", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("variable", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("adjustments", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"], ["salary_periods.id"], name=op.f("fk_salary_results_period_id_salary_periods")
        ),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["salary_plan_versions.id"],
            name=op.f("fk_salary_results_plan_version_id_salary_plan_versions"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_salary_results_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_results")),
        sa.UniqueConstraint("period_id", "user_id", name="uq_salary_results_period_user"),
    )
    with op.batch_alter_table("salary_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_salary_results_user_id"), ["user_id"], unique=False)
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("hr_id", sa.Integer(), nullable=False),
        sa.Column("hired_user_id", sa.Integer(), nullable=True),
        sa.Column("hired_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('new', 'interviewing', 'offer', 'hired', 'rejected', 'withdrawn')",
            name=op.f("ck_candidates_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_candidates_created_by_id_users"), use_alter=True
        ),
        sa.ForeignKeyConstraint(["hired_user_id"], ["users.id"], name=op.f("fk_candidates_hired_user_id_users")),
        sa.ForeignKeyConstraint(["hr_id"], ["users.id"], name=op.f("fk_candidates_hr_id_users")),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_candidates_office_id_offices")),
        sa.ForeignKeyConstraint(["position_id"], ["positions.id"], name=op.f("fk_candidates_position_id_positions")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_candidates_updated_by_id_users"), use_alter=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
        sa.UniqueConstraint("hired_user_id", name=op.f("uq_candidates_hired_user_id")),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidates_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_candidates_hired", ["hr_id", "hired_on"], unique=False)
        batch_op.create_index("ix_candidates_hr", ["hr_id", "id"], unique=False)

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('planned', 'passed', 'failed', 'no_show', 'cancelled')",
            name=op.f("ck_interviews_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_interviews_candidate_id_candidates")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_interviews_created_by_id_users"), use_alter=True
        ),
        sa.ForeignKeyConstraint(["interviewer_id"], ["users.id"], name=op.f("fk_interviews_interviewer_id_users")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_interviews_updated_by_id_users"), use_alter=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interviews_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index("ix_interviews_interviewer_starts", ["interviewer_id", "starts_at"], unique=False)
    up = salary_ddl.postgresql_up if op.get_bind().dialect.name == "postgresql" else salary_ddl.sqlite_up
    for statement in up():
        op.execute(statement)


def downgrade():
    op.drop_table("interviews")
    op.drop_table("candidates")
    down = salary_ddl.postgresql_down if op.get_bind().dialect.name == "postgresql" else salary_ddl.sqlite_down
    for statement in down():
        op.execute(statement)
    with op.batch_alter_table("salary_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_salary_results_user_id"))

    op.drop_table("salary_results")
    op.drop_table("salary_plan_versions")
    with op.batch_alter_table("salary_plan_overrides", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_salary_plan_overrides_raise",
            postgresql_where=sa.text("kind = 'raise'"),
            sqlite_where=sa.text("kind = 'raise'"),
        )
        batch_op.drop_index("ix_salary_plan_overrides_user")

    op.drop_table("salary_plan_overrides")
    with op.batch_alter_table("salary_adjustments", schema=None) as batch_op:
        batch_op.drop_index("ix_salary_adjustments_period_user")

    op.drop_table("salary_adjustments")
    op.drop_table("salary_plans")
    op.drop_table("salary_periods")
