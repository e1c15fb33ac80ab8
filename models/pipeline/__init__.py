"""The pipeline engine's data: pipelines as data, and the stage tasks of every subject."""

from models.pipeline.stage_tasks import StageTask
from models.pipeline.stages import FIELD_TYPES, Pipeline, Stage, StageField, StageMove, choice_pairs

__all__ = ["FIELD_TYPES", "Pipeline", "Stage", "StageField", "StageMove", "StageTask", "choice_pairs"]
