"""the clients pipeline asks for a lost client's reason, and each stage's own fields on the move on only

Where the pipeline was seeded before: every working stage's required fields become required on the
move to its next stage ("to=<code>"), and a "lost_reason" choice is asked on the move to "lost".

Revision ID: b1c2d3e4f521
Revises: b1c2d3e4f520
Create Date: 2026-12-07 15:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f521"
down_revision = "b1c2d3e4f520"
branch_labels = None
depends_on = None

NEXT = {
    "new_lead": "contacted",
    "contacted": "trial_booked",
    "trial_booked": "trial_attended",
    "trial_attended": "enrolled",
    "enrolled": "studying",
    "studying": "completed",
}
REASONS = "\n".join(
    [
        "too_expensive|Задорого|Дорого|Too expensive",
        "no_time|Немає часу|Нет времени|No time",
        "competitor|Обрав інших|Выбрал других|Chose another school",
        "unreachable|Не виходить на зв'язок|Не выходит на связь|Cannot be reached",
        "not_interested|Не зацікавлений|Не заинтересован|Not interested",
        "other|Інше|Другое|Other",
    ]
)
stages = sa.table(
    "stages", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("pipeline_id", sa.Integer)
)
pipelines = sa.table("pipelines", sa.column("id", sa.Integer), sa.column("code", sa.String))
fields = sa.table(
    "stage_fields",
    sa.column("id", sa.Integer),
    sa.column("stage_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("name", sa.String),
    sa.column("label_uk", sa.String),
    sa.column("label_ru", sa.String),
    sa.column("label_en", sa.String),
    sa.column("type", sa.String),
    sa.column("required", sa.Boolean),
    sa.column("required_if", sa.String),
    sa.column("choices", sa.Text),
)


def _working_stages(bind):
    query = (
        sa.select(stages.c.id, stages.c.code)
        .select_from(stages.join(pipelines, pipelines.c.id == stages.c.pipeline_id))
        .where(pipelines.c.code == "clients", stages.c.code.in_(list(NEXT)))
    )
    return bind.execute(query).all()


def upgrade():
    bind = op.get_bind()
    for stage_id, code in _working_stages(bind):
        bind.execute(
            fields.update()
            .where(fields.c.stage_id == stage_id, fields.c.required.is_(True), fields.c.required_if.is_(None))
            .values(required=False, required_if=f"to={NEXT[code]}")
        )
        taken = bind.execute(
            sa.select(sa.func.count()).where(fields.c.stage_id == stage_id, fields.c.name == "lost_reason")
        ).scalar()
        if taken:
            continue
        last = bind.execute(sa.select(sa.func.max(fields.c.position)).where(fields.c.stage_id == stage_id)).scalar()
        bind.execute(
            fields.insert().values(
                stage_id=stage_id,
                position=(last or 0) + 1,
                name="lost_reason",
                label_uk="Причина втрати",
                label_ru="Причина потери",
                label_en="Why the client was lost",
                type="choice",
                required=False,
                required_if="to=lost",
                choices=REASONS,
            )
        )


def downgrade():
    bind = op.get_bind()
    for stage_id, _code in _working_stages(bind):
        bind.execute(fields.delete().where(fields.c.stage_id == stage_id, fields.c.name == "lost_reason"))
        bind.execute(
            fields.update()
            .where(fields.c.stage_id == stage_id, fields.c.required_if.like("to=%"))
            .values(required=True, required_if=None)
        )
