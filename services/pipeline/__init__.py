"""The pipeline engine. Nothing here knows a subject: a subject is any model that declares itself
(models/pipeline/subject.py: its type, its people, the role each stands for; from these its scope
rule and a stage's responsible person), and a pipeline says in data which subject travels through
it and which permissions open its board and move its subjects. The engine's API, for every other
domain, is what this module exposes."""

from flask_babel import lazy_gettext as _l

from services.pipeline.fields import validate
from services.pipeline.moves import MoveError, MoveResult, deadline_after, move, open_task, start, step, undo
from services.pipeline.people import holds_role, may_move, may_send_back, may_take, people_for
from services.pipeline.stages import (
    STAGE_ONLY,
    FieldLabel,
    PipelineRules,
    StageLabel,
    allowed_moves,
    pipeline_rules,
    stage_fields,
    stage_labels,
)
from services.pipeline.values import entered_values, people_names

__all__ = [
    "STAGE_ONLY",
    "allowed_moves",
    "FieldLabel",
    "MoveError",
    "MoveResult",
    "PipelineRules",
    "StageLabel",
    "deadline_after",
    "entered_values",
    "holds_role",
    "may_move",
    "may_send_back",
    "may_take",
    "move",
    "open_task",
    "people_names",
    "people_for",
    "pipeline_rules",
    "stage_fields",
    "stage_labels",
    "start",
    "undo",
    "step",
    "validate",
]

PERMISSIONS = {"pipelines.manage": _l("Edit pipelines, stages, fields and moves")}


def init_app(app):
    from services.platform import access, notifications

    access.register_permissions(PERMISSIONS)
    notifications.register("pipeline.task", _l("A stage task passed to me"),
                           _l("%(author)s passed you «%(subject)s» at a new stage"), section="/admin/tasks/")  # fmt: skip
