"""A staff member's day: his open stage tasks and ordinary tasks together, by deadline (the overdue
come first), each with where one click takes him — the card's move modal on the tracker, or the task."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from extensions import db
from models.cards.card import Card
from models.pipeline import StageTask
from models.tasks.task import CLOSED_STATUSES, Task
from services import pipeline
from services.platform import access

LIMIT = 30


@dataclass(frozen=True)
class DayItem:
    kind: str  # "stage" (a card's stage task) or "task" (an ordinary one)
    id: int  # the card's id, or the task's
    title: str
    detail: str
    deadline: datetime


def _his_stage_tasks(user):
    return (
        StageTask.assignee_id == user.id,
        StageTask.closed_at.is_(None),
        StageTask.subject_type == Card.__subject_type__,
    )


def _his_tasks(user):
    return (
        Task.assignee_id == user.id,
        Task.status.not_in(CLOSED_STATUSES),
        Task.deadline.is_not(None),
        Task.deleted_at.is_(None),
    )


def has_a_day(user):
    return access.can(user, "cards.view") or access.can(user, "tasks.view")


def _kinds(user):
    """The kinds of task his day holds: the stage tasks with cards.view, the ordinary with tasks.view."""
    kinds = []
    if access.can(user, "cards.view"):
        kinds.append((StageTask, _his_stage_tasks(user)))
    if access.can(user, "tasks.view"):
        kinds.append((Task, _his_tasks(user)))
    return kinds


def counts(user, now):
    """(open, overdue) of his stage tasks and ordinary tasks together: a count by index of each."""
    open_total, late = 0, 0
    for model, clauses in _kinds(user):
        query = select(func.count()).select_from(model).where(*clauses)
        open_total += db.session.scalar(query)
        late += db.session.scalar(query.where(model.deadline < now))
    return open_total, late


def items(user, limit=LIMIT):
    """The first `limit` of his day, soonest deadline first."""
    found = []
    for model, clauses in _kinds(user):
        found += _stage_items(clauses, limit) if model is StageTask else _task_items(clauses, limit)
    return sorted(found, key=lambda item: (item.deadline, item.kind, item.id))[:limit]


def _stage_items(clauses, limit):
    labels = pipeline.stage_labels()
    rows = db.session.execute(
        select(StageTask.subject_id, StageTask.stage_id, StageTask.deadline, Card.number, Card.contact_name)
        .join(Card, Card.id == StageTask.subject_id)
        .where(*clauses, Card.deleted_at.is_(None))
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    )
    return [
        DayItem(
            "stage", row.subject_id, row.number, _stage_detail(labels.get(row.stage_id), row.contact_name), row.deadline
        )
        for row in rows
    ]


def _task_items(clauses, limit):
    rows = db.session.execute(
        select(Task.id, Task.title, Task.deadline).where(*clauses).order_by(Task.deadline, Task.id).limit(limit)
    )
    return [DayItem("task", row.id, row.title, "", row.deadline) for row in rows]


def _stage_detail(stage, contact):
    return " · ".join(part for part in (str(stage.label) if stage else "", contact or "") if part)
