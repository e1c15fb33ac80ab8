"""stage rules: fields required on a condition, conditional moves, in-stage steps, money that books

- `stage_fields.required_if` ("answer_received=yes"), `stage_moves.condition` (the same form);
- `stages.step_label_*`: an in-stage step that records values without leaving the stage;
- `stage_fields.books` / `books_on`: a money field whose amount books an entry for the subject.

The cards pipeline as seeded gets them where the desk needs them: the bank check's answer date and
text are required only when an answer came, its move on needs that answer, and "no answer yet" is a
step; the top-up and funding amounts book the card's transactions.

Revision ID: b1c2d3e4f515
Revises: b1c2d3e4f514
Create Date: 2026-12-07 08:30:00

"""

import sqlalchemy as sa
from alembic import op

from models.platform import signal_ddl

revision = "b1c2d3e4f515"
down_revision = "b1c2d3e4f514"
branch_labels = None
depends_on = None

CARDS_STAGE = "SELECT stages.id FROM stages JOIN pipelines ON pipelines.id = stages.pipeline_id "
CARDS_STAGE += "WHERE pipelines.code = 'cards' AND stages.code = '{code}'"

STEP = {
    "uk": "Відповіді ще немає — перевірити завтра",
    "ru": "Ответа ещё нет — проверить завтра",
    "en": "No answer yet — check again tomorrow",
}


def _stage(code):
    return CARDS_STAGE.format(code=code)


def upgrade():
    with op.batch_alter_table("stage_fields", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_if", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("books", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("books_on", sa.String(length=40), nullable=True))
    with op.batch_alter_table("stage_moves", schema=None) as batch_op:
        batch_op.add_column(sa.Column("condition", sa.String(length=80), nullable=True))
    with op.batch_alter_table("stages", schema=None) as batch_op:
        for language in ("uk", "ru", "en"):
            batch_op.add_column(sa.Column(f"step_label_{language}", sa.String(length=160), nullable=True))
    bind = op.get_bind()
    bank_check = _stage("bank_check")
    bind.execute(
        sa.text(
            f"UPDATE stage_fields SET required = :no, required_if = 'answer_received=yes' "  # noqa: S608
            f"WHERE name IN ('answer_date', 'answer_text') AND stage_id IN ({bank_check})"
        ),
        {"no": False},
    )
    bind.execute(
        sa.text(f"UPDATE stage_moves SET condition = 'answer_received=yes' WHERE from_stage_id IN ({bank_check})")  # noqa: S608
    )
    bind.execute(
        sa.text(
            f"UPDATE stages SET step_label_uk = :uk, step_label_ru = :ru, step_label_en = :en WHERE id IN ({bank_check})"  # noqa: S608
        ),
        STEP,
    )
    for code, date_field in (("promo_top_up", "topped_up_on"), ("fund_card", "funded_on")):
        bind.execute(
            sa.text(
                "UPDATE stage_fields SET books = 'top_up', books_on = :date_field "  # noqa: S608
                f"WHERE name = 'amount' AND type = 'money' AND stage_id IN ({_stage(code)})"
            ),
            {"date_field": date_field},
        )


def downgrade():
    bank_check = _stage("bank_check")
    op.get_bind().execute(
        sa.text(
            f"UPDATE stage_fields SET required = :yes WHERE required_if IS NOT NULL AND stage_id IN ({bank_check})"  # noqa: S608
        ),
        {"yes": True},
    )
    with op.batch_alter_table("stages", schema=None) as batch_op:
        for language in ("en", "ru", "uk"):
            batch_op.drop_column(f"step_label_{language}")
    with op.batch_alter_table("stage_moves", schema=None) as batch_op:
        batch_op.drop_column("condition")
    with op.batch_alter_table("stage_fields", schema=None) as batch_op:
        batch_op.drop_column("books_on")
        batch_op.drop_column("books")
        batch_op.drop_column("required_if")
    # On SQLite the batches above made the tables anew, without their 'directories' triggers.
    dialect = op.get_bind().dialect.name
    for table in ("stages", "stage_fields"):
        for statement in signal_ddl.drop_triggers(dialect, "directories", table):
            op.execute(statement)
        for statement in signal_ddl.create_triggers(dialect, "directories", table):
            op.execute(statement)
