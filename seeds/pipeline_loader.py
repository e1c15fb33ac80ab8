"""Pipelines from seeds/pipelines/*.yaml. A pipeline that exists is left as the owner edited it."""

from pathlib import Path

import yaml
from sqlalchemy import select

from extensions import db
from models.pipeline import Pipeline, Stage, StageField, StageMove
from services.pipeline import spec as pipeline_spec

PIPELINES_DIR = Path(__file__).with_name("pipelines")


def _names(names):
    return {"name_uk": names["uk"], "name_ru": names.get("ru", ""), "name_en": names.get("en", "")}


def load_pipeline(data):
    if db.session.scalar(select(Pipeline).where(Pipeline.code == data["code"])) is not None:
        return None
    permissions = data["permissions"]
    pipeline = Pipeline(
        code=data["code"],
        subject_type=data["subject"],
        view_permission=permissions["view"],
        move_permission=permissions["move"],
        move_any_permission=permissions["move_any"],
        **_names(data["names"]),
    )
    db.session.add(pipeline)
    stages = {}
    for position, spec in enumerate(data["stages"], start=1):
        stage = Stage(
            pipeline=pipeline,
            code=spec["code"],
            position=position,
            responsible_role=spec.get("role", "agent"),
            color=spec.get("color", "#6c757d"),
            bucket=spec.get("bucket", "in_work"),
            transactions_allowed=spec.get("transactions_allowed", False),
            deadline_days=spec.get("deadline_days", 1),
            periodic_interval_days=spec.get("periodic_interval_days"),
            deadline_rollover=spec.get("deadline_rollover", False),
            is_final=spec.get("final", False),
            **_names(spec["names"]),
            **_step(spec.get("step")),
        )
        for index, field in enumerate(spec.get("fields", []), start=1):
            labels = field["labels"]
            stage.fields.append(
                StageField(
                    position=index,
                    name=field["name"],
                    type=field["type"],
                    required=field.get("required", False),
                    required_if=field.get("required_if"),
                    books=field.get("books"),
                    books_on=field.get("books_on"),
                    choices="\n".join(field.get("choices", [])) or None,
                    label_uk=labels["uk"],
                    label_ru=labels.get("ru", ""),
                    label_en=labels.get("en", ""),
                )
            )
        targets = {move if isinstance(move, str) else move["to"] for move in spec.get("moves", [])}
        problems = pipeline_spec.check_fields(pipeline_spec.field_dicts(stage), targets)
        if problems:
            raise ValueError(f"{data['code']}/{spec['code']}: {_plain(problems)}")
        stages[spec["code"]] = stage
        db.session.add(stage)
    db.session.flush()
    ids = {stage.id for stage in stages.values()}
    for spec in data["stages"]:
        moves = [_move(move, stages) for move in spec.get("moves", [])]
        back = [_move(move, stages) for move in spec.get("back", [])]
        problems = pipeline_spec.check_moves(ids, moves + back, pipeline_spec.field_dicts(stages[spec["code"]]))
        if problems:
            raise ValueError(f"{data['code']}/{spec['code']}: {_plain(problems)}")
        from_id = stages[spec["code"]].id
        for target, condition in moves:
            db.session.add(StageMove(from_stage_id=from_id, to_stage_id=target, condition=condition))
        for target, _condition in back:  # moves back (corrections): for who may move any subject
            db.session.add(StageMove(from_stage_id=from_id, to_stage_id=target, back=True))
    return pipeline


def _move(move, stages):
    """(target stage id, condition) of a move written as a code or as {to: code, when: field=value}."""
    if isinstance(move, str):
        move = {"to": move}
    target = stages.get(move["to"])
    return (target.id if target else None), move.get("when")


def _step(labels):
    if not labels:
        return {}
    return {"step_label_uk": labels["uk"], "step_label_ru": labels.get("ru"), "step_label_en": labels.get("en")}


def _plain(problems):
    return "; ".join(f"{name}: {message}" for name, message in problems.items())


def load_pipelines():
    for path in sorted(PIPELINES_DIR.glob("*.yaml")):
        load_pipeline(yaml.safe_load(path.read_text(encoding="utf-8")))
    db.session.commit()
