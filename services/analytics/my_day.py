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


def counts(user, now):
    """(open, overdue) of his stage tasks and ordinary tasks together: four counts by index."""
    open_total, late = 0, 0
    for model, clauses in ((StageTask, _his_stage_tasks(user)), (Task, _his_tasks(user))):
        query = select(func.count()).select_from(model).where(*clauses)
        open_total += db.session.scalar(query)
        late += db.session.scalar(query.where(model.deadline < now))
    return open_total, late


def items(user, limit=LIMIT):
    """The first `limit` of his day, soonest deadline first."""
    labels = pipeline.stage_labels()
    stage_rows = db.session.execute(
        select(StageTask.subject_id, StageTask.stage_id, StageTask.deadline, Card.number, Card.contact_name)
        .join(Card, Card.id == StageTask.subject_id)
        .where(*_his_stage_tasks(user), Card.deleted_at.is_(None))
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    ).all()
    task_rows = db.session.execute(
        select(Task.id, Task.title, Task.deadline)
        .where(*_his_tasks(user))
        .order_by(Task.deadline, Task.id)
        .limit(limit)
    ).all()
    found = [
        DayItem(
            "stage", row.subject_id, row.number, _stage_detail(labels.get(row.stage_id), row.contact_name), row.deadline
        )
        for row in stage_rows
    ]
    found += [DayItem("task", row.id, row.title, "", row.deadline) for row in task_rows]
    return sorted(found, key=lambda item: (item.deadline, item.kind, item.id))[:limit]


def _stage_detail(stage, contact):
    return " · ".join(part for part in (str(stage.label) if stage else "", contact or "") if part)
