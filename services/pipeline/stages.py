"""A pipeline's stages and their modal fields as the pages show them, kept by the process per version
of the 'directories' signal (services.platform.cache): no query once kept."""

from types import MappingProxyType
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from extensions import db
from models.base import current_language
from models.pipeline import Pipeline, Stage, StageField, choice_pairs
from services.platform.cache import per_version

# A stage for its name, colour and settings only: its modal fields and moves (selectin by default,
# two queries, more through the moves' target stages) are left to load if something reads them.
STAGE_ONLY = (lazyload(Stage.fields), lazyload(Stage.moves))


def _of(pipeline_code):
    """The condition for a pipeline's stages, or every pipeline's (stage ids are unique across them)."""
    return Pipeline.code == pipeline_code if pipeline_code else Pipeline.id.is_not(None)


class PipelineRules(NamedTuple):
    """What the engine reads of a pipeline itself: its subject and its permissions."""

    id: int
    code: str
    subject_type: str
    view_permission: str
    move_permission: str
    move_any_permission: str


def pipeline_rules(pipeline_id=None, code=None):
    """A pipeline's PipelineRules by id or code (None when there is none), kept per version of the
    'directories' signal like stage_labels."""

    def load():
        columns = [getattr(Pipeline, name) for name in PipelineRules._fields]
        return MappingProxyType({row.id: PipelineRules(*row) for row in db.session.execute(select(*columns))})

    pipelines = per_version("pipeline rules", load)
    if pipeline_id is not None:
        return pipelines.get(pipeline_id)
    return next((rules for rules in pipelines.values() if rules.code == code), None)


class StageLabel(NamedTuple):
    """A stage's name, colour and settings as the pages show them, kept by the process."""

    id: int
    pipeline_id: int
    code: str
    position: int
    responsible_role: str
    color: str
    bucket: str
    is_final: bool
    name_uk: str
    name_ru: str
    name_en: str

    @property
    def label(self):
        return getattr(self, f"name_{current_language()}", None) or self.name_uk

    def __str__(self):
        return self.label


def stage_labels(pipeline_code=None):
    """{stage id: StageLabel} of a pipeline (by default of every pipeline) in position order, kept
    per version of the 'directories' signal (services.platform.cache): no query once kept."""

    def load():
        columns = [getattr(Stage, name) for name in StageLabel._fields]
        rows = db.session.execute(
            select(*columns).join(Pipeline).where(_of(pipeline_code)).order_by(Stage.pipeline_id, Stage.position)
        )
        return MappingProxyType({row.id: StageLabel(*row) for row in rows})

    return per_version(f"stages of {pipeline_code or 'every pipeline'}", load)


class FieldLabel(NamedTuple):
    """A stage's modal field as the pages show the values entered in it, kept by the process."""

    name: str
    type: str
    label_uk: str
    label_ru: str
    label_en: str
    choices: str | None

    @property
    def label(self):
        return getattr(self, f"label_{current_language()}", None) or self.label_uk

    def choice_list(self):
        return choice_pairs(self.choices)


def stage_fields(pipeline_code=None):
    """{stage id: (FieldLabel, …) in the modal's order} of a pipeline's stages that have fields (by
    default of every pipeline), kept per version of the 'directories' signal like stage_labels."""

    def load():
        columns = [getattr(StageField, name) for name in FieldLabel._fields]
        rows = db.session.execute(
            select(StageField.stage_id, *columns)
            .join(Stage, Stage.id == StageField.stage_id)
            .join(Pipeline)
            .where(_of(pipeline_code))
            .order_by(StageField.stage_id, StageField.position, StageField.id)
        )
        fields = {}
        for stage_id, *values in rows:
            fields.setdefault(stage_id, []).append(FieldLabel(*values))
        return MappingProxyType({stage_id: tuple(specs) for stage_id, specs in fields.items()})

    return per_version(f"stage fields of {pipeline_code or 'every pipeline'}", load)


def allowed_moves(pipeline_code):
    """{stage id: [stage ids it may move to]} of a pipeline: the board refuses a drop the engine would."""
    from models.pipeline import StageMove

    rows = db.session.execute(
        select(StageMove.from_stage_id, StageMove.to_stage_id)
        .join(Stage, Stage.id == StageMove.from_stage_id)
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .where(Pipeline.code == pipeline_code, StageMove.back.is_(False))
    )
    moves = {}
    for from_id, to_id in rows:
        moves.setdefault(from_id, []).append(to_id)
    return moves
