"""the engine's tables for any subject: stage counts, responsibles and task people by slot

Pipelines say what travels through them (`subject_type`) and which permissions open their board and
move their subjects. The cards' counters, chosen responsibles and the tasks' copies of the card's
people become the engine's generic `stage_counts`, `stage_responsibles` and `stage_tasks.person_N_id`,
kept by triggers made from the subject's declaration (models/pipeline/subject_ddl.py) instead of the
hand-written card triggers of b1c2d3e4f505, b1c2d3e4f506, b1c2d3e4f509 and b1c2d3e4f512.

Revision ID: b1c2d3e4f514
Revises: b1c2d3e4f513
Create Date: 2026-12-07 08:00:00

"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from models.pipeline import subject_ddl
from models.platform import signal_ddl

revision = "b1c2d3e4f514"
down_revision = "b1c2d3e4f513"
branch_labels = None
depends_on = None

CARDS = subject_ddl.SubjectTable("cards", "card", ("agent_id", "manager_id", "accountant_id"))
CARD_PEOPLE = ("card_agent_id", "card_manager_id", "card_accountant_id")
OPEN_TASK = "closed_at IS NULL"
OPEN_CARD_TASK = "closed_at IS NULL AND subject_type = 'card'"
CARD_TASK = "subject_type = 'card'"

CARD_TRIGGERS_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS card_stage_counts_clear ON cards",
    "DROP TRIGGER IF EXISTS card_stage_counts_keep ON cards",
    "DROP TRIGGER IF EXISTS card_responsibles_card_stage ON card_responsibles",
    "DROP TRIGGER IF EXISTS card_responsibles_follow_card ON cards",
    "DROP TRIGGER IF EXISTS stage_tasks_follow_card_people ON cards",
    "DROP TRIGGER IF EXISTS stage_tasks_card_people ON stage_tasks",
    "DROP FUNCTION IF EXISTS card_stage_counts_clear()",
    "DROP FUNCTION IF EXISTS card_stage_counts_keep()",
    "DROP FUNCTION IF EXISTS card_stage_counts_add(integer[], integer)",
    "DROP FUNCTION IF EXISTS card_responsibles_card_stage()",
    "DROP FUNCTION IF EXISTS card_responsibles_follow_card()",
    "DROP FUNCTION IF EXISTS stage_tasks_follow_card_people()",
    "DROP FUNCTION IF EXISTS stage_tasks_card_people()",
]
CARD_TRIGGERS_SQLITE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "card_stage_counts_update",
        "card_stage_counts_delete",
        "card_stage_counts_insert",
        "card_responsibles_card_stage_update",
        "card_responsibles_card_stage_insert",
        "card_responsibles_follow_card",
        "stage_tasks_follow_card_people",
        "stage_tasks_card_people",
    )
]


def _postgresql():
    return op.get_bind().dialect.name == "postgresql"


def _earlier(revision_prefix):
    """An earlier migration of this directory, to re-create the card triggers it made."""
    path = next(Path(__file__).parent.glob(f"{revision_prefix}_*.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{revision_prefix}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pipeline_columns():
    with op.batch_alter_table("pipelines", schema=None) as batch_op:
        for name, length in (
            ("subject_type", 20),
            ("view_permission", 60),
            ("move_permission", 60),
            ("move_any_permission", 60),
        ):
            batch_op.add_column(sa.Column(name, sa.String(length), nullable=True))
    op.execute(
        "UPDATE pipelines SET subject_type = 'card', view_permission = 'cards.view', "
        "move_permission = 'cards.move', move_any_permission = 'cards.move_any'"
    )
    with op.batch_alter_table("pipelines", schema=None) as batch_op:
        for name in ("subject_type", "view_permission", "move_permission", "move_any_permission"):
            batch_op.alter_column(name, existing_type=sa.String(), nullable=False)
    # Processes keep a pipeline's subject and permissions per version of the 'directories' signal:
    # a new pipeline and a change of those bump it now too. (On SQLite the batch above made the
    # table anew, without its triggers.)
    _pipeline_signal(OLD_PIPELINE_EVENTS, PIPELINE_EVENTS)


OLD_PIPELINE_EVENTS = ("UPDATE OF code", "DELETE")
PIPELINE_EVENTS = (
    "INSERT",
    "UPDATE OF code, subject_type, view_permission, move_permission, move_any_permission",
    "DELETE",
)


def _pipeline_signal(before, after):
    dialect = op.get_bind().dialect.name
    for statement in signal_ddl.drop_triggers(dialect, "directories", "pipelines", before):
        op.execute(statement)
    for statement in signal_ddl.create_triggers(dialect, "directories", "pipelines", after):
        op.execute(statement)


def _generic_tables():
    op.create_table(
        "stage_counts",
        sa.Column("stage_id", sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(slot, sa.Integer(), autoincrement=False, nullable=False) for slot in subject_ddl.SLOT_COLUMNS),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("stage_id", *subject_ddl.SLOT_COLUMNS, name=op.f("pk_stage_counts")),
    )
    op.create_table(
        "stage_responsibles",
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject_stage_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["stages.id"], name=op.f("fk_stage_responsibles_stage_id_stages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_stage_responsibles_user_id_users")),
        sa.PrimaryKeyConstraint("subject_type", "subject_id", "stage_id", name=op.f("pk_stage_responsibles")),
    )
    with op.batch_alter_table("stage_responsibles", schema=None) as batch_op:
        batch_op.create_index("ix_stage_responsibles_user", ["user_id", "subject_type", "subject_id"], unique=False)
        batch_op.create_index(
            "ix_stage_responsibles_user_stage", ["user_id", "subject_stage_id", "subject_id"], unique=False
        )
    op.execute(
        "INSERT INTO stage_counts (stage_id, person_1_id, person_2_id, person_3_id, subjects) "
        "SELECT stage_id, agent_id, manager_id, accountant_id, cards FROM card_stage_counts"
    )
    op.execute(
        "INSERT INTO stage_responsibles (subject_type, subject_id, stage_id, user_id, subject_stage_id) "
        "SELECT 'card', card_id, stage_id, user_id, card_stage_id FROM card_responsibles"
    )
    op.drop_table("card_stage_counts")
    with op.batch_alter_table("card_responsibles", schema=None) as batch_op:
        batch_op.drop_index("ix_card_responsibles_user_card_stage")
        batch_op.drop_index("ix_card_responsibles_user")
    op.drop_table("card_responsibles")


def _task_people(old, new, old_where, new_where, opened_index, opened_columns, opened_include):
    op.drop_index("ix_stage_tasks_open_people", table_name="stage_tasks")
    op.drop_index(opened_index[0], table_name="stage_tasks")
    for before, after in zip(old, new, strict=True):
        op.execute(f"ALTER TABLE stage_tasks RENAME COLUMN {before} TO {after}")
    op.create_index(
        "ix_stage_tasks_open_people",
        "stage_tasks",
        ["stage_id", "deadline", "id"],
        postgresql_include=["subject_id", "assignee_id", *new],
        postgresql_where=sa.text(new_where),
        sqlite_where=sa.text(new_where),
    )
    op.create_index(
        opened_index[1],
        "stage_tasks",
        opened_columns,
        postgresql_include=["subject_id", *new],
        **opened_include,
    )


def upgrade():
    postgresql = _postgresql()
    for statement in CARD_TRIGGERS_POSTGRESQL if postgresql else CARD_TRIGGERS_SQLITE:
        op.execute(statement)
    _pipeline_columns()
    _generic_tables()
    _task_people(
        CARD_PEOPLE,
        subject_ddl.SLOT_COLUMNS,
        OPEN_CARD_TASK,
        OPEN_TASK,
        ("ix_stage_tasks_card_opened", "ix_stage_tasks_subject_opened"),
        ["subject_type", "opened_at", "id"],
        {},
    )
    # The triggers in the migration's one transaction with the copies above: on PostgreSQL creating
    # them locks the tables against writes until the commit, so no change slips between.
    if postgresql:
        for statement in subject_ddl.POSTGRESQL_SHARED_UP:
            op.execute(statement)
    for statement in subject_ddl.up(op.get_bind().dialect.name, CARDS):
        op.execute(statement)
    if postgresql:
        op.execute("ANALYZE stage_tasks")
        op.execute("ANALYZE stage_responsibles")


def downgrade():
    postgresql = _postgresql()
    for statement in subject_ddl.down(op.get_bind().dialect.name, CARDS):
        op.execute(statement)
    if postgresql:
        for statement in subject_ddl.POSTGRESQL_SHARED_DOWN:
            op.execute(statement)
    _task_people(
        subject_ddl.SLOT_COLUMNS,
        CARD_PEOPLE,
        OPEN_TASK,
        OPEN_CARD_TASK,
        ("ix_stage_tasks_subject_opened", "ix_stage_tasks_card_opened"),
        ["opened_at", "id"],
        {"postgresql_where": sa.text(CARD_TASK), "sqlite_where": sa.text(CARD_TASK)},
    )
    op.create_table(
        "card_stage_counts",
        *(
            sa.Column(name, sa.Integer(), autoincrement=False, nullable=False)
            for name in ("stage_id", "agent_id", "manager_id", "accountant_id")
        ),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("stage_id", "agent_id", "manager_id", "accountant_id", name="pk_card_stage_counts"),
    )
    op.create_table(
        "card_responsibles",
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("card_stage_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_card_responsibles_card_id_cards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["stages.id"], name=op.f("fk_card_responsibles_stage_id_stages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_card_responsibles_user_id_users")),
        sa.PrimaryKeyConstraint("card_id", "stage_id", name=op.f("pk_card_responsibles")),
    )
    with op.batch_alter_table("card_responsibles", schema=None) as batch_op:
        batch_op.create_index("ix_card_responsibles_user", ["user_id", "card_id"], unique=False)
        batch_op.create_index(
            "ix_card_responsibles_user_card_stage", ["user_id", "card_stage_id", "card_id"], unique=False
        )
    op.execute(
        "INSERT INTO card_stage_counts (stage_id, agent_id, manager_id, accountant_id, cards) "
        "SELECT stage_id, person_1_id, person_2_id, person_3_id, subjects FROM stage_counts"
    )
    op.execute(
        "INSERT INTO card_responsibles (card_id, stage_id, user_id, card_stage_id) "
        "SELECT subject_id, stage_id, user_id, subject_stage_id FROM stage_responsibles WHERE subject_type = 'card'"
    )
    with op.batch_alter_table("stage_responsibles", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_responsibles_user_stage")
        batch_op.drop_index("ix_stage_responsibles_user")
    op.drop_table("stage_responsibles")
    op.drop_table("stage_counts")
    dialect = op.get_bind().dialect.name
    # The trigger first: on PostgreSQL it depends on the columns it watches.
    for statement in signal_ddl.drop_triggers(dialect, "directories", "pipelines", PIPELINE_EVENTS):
        op.execute(statement)
    with op.batch_alter_table("pipelines", schema=None) as batch_op:
        for name in ("move_any_permission", "move_permission", "view_permission", "subject_type"):
            batch_op.drop_column(name)
    for statement in signal_ddl.create_triggers(dialect, "directories", "pipelines", OLD_PIPELINE_EVENTS):
        op.execute(statement)
    # The card triggers as b1c2d3e4f505, b1c2d3e4f506, b1c2d3e4f509 and b1c2d3e4f512 left them.
    counts, responsibles, people, every_task = (
        _earlier(prefix) for prefix in ("b1c2d3e4f505", "b1c2d3e4f506", "b1c2d3e4f509", "b1c2d3e4f512")
    )
    for module in (counts, responsibles, people):
        for statement in module.POSTGRESQL_UP if postgresql else module.SQLITE_UP:
            op.execute(statement)
    if postgresql:
        op.execute(every_task.POSTGRESQL_FOLLOW.format(only_open=""))
    else:
        op.execute("DROP TRIGGER IF EXISTS stage_tasks_follow_card_people")
        op.execute(every_task.SQLITE_FOLLOW.format(only_open=""))
