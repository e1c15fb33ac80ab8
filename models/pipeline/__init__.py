"""The pipeline engine's data: pipelines as data, and the stage tasks of every subject."""

from models.pipeline.stage_tasks import StageTask
from models.pipeline.stages import FIELD_TYPES, Pipeline, Stage, StageField, StageMove, choice_pairs
from models.pipeline.subject import PipelineSubject, StageCount, StageResponsible, subject_model

__all__ = [
    "FIELD_TYPES",
    "Pipeline",
    "PipelineSubject",
    "Stage",
    "StageCount",
    "StageField",
    "StageMove",
    "StageResponsible",
    "StageTask",
    "choice_pairs",
    "subject_model",
]
