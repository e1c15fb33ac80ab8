"""The pipeline engine. Nothing here knows about cards: a subject is any model with `id`,
`version`, `stage`/`stage_id`, `stage_entered_at`, `bucket`, `__subject_type__` and
`responsible_for(stage)`. The engine's API, for every other domain, is what this module exposes."""

from flask_babel import lazy_gettext as _l

from services.pipeline.fields import validate
from services.pipeline.moves import MoveError, MoveResult, deadline_after, move, on_move, open_task, start
from services.pipeline.people import holds_role, may_move, may_take, people_for
from services.pipeline.stages import CARDS, STAGE_ONLY, FieldLabel, StageLabel, stage_fields, stage_labels

__all__ = [
    "CARDS",
    "STAGE_ONLY",
    "FieldLabel",
    "MoveError",
    "MoveResult",
    "StageLabel",
    "deadline_after",
    "holds_role",
    "may_move",
    "may_take",
    "move",
    "on_move",
    "open_task",
    "people_for",
    "stage_fields",
    "stage_labels",
    "start",
    "validate",
]

PERMISSIONS = {"pipelines.manage": _l("Edit pipelines, stages, fields and moves")}


def init_app(app):
    from services.platform import access

    access.register_permissions(PERMISSIONS)
