"""The engine's periodic steps, for any subject (the jobs in jobs/pipeline.py run them on schedule):

- renewal: in a stage with a periodic interval, a subject whose open task is at least that old gets
  it closed and a fresh one in the same stage. The new task carries a period key unique per subject,
  so two concurrent runs cannot both add one;
- roll-over: in a stage with deadline roll-over, open tasks due before a cut-off are given a new
  deadline — for the subjects that still wait (the subject's `waiting_clause()`, all by default).

Each function changes and flushes; the caller commits."""

from datetime import UTC, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload, selectinload

from extensions import db
from models.pipeline import Stage, StageResponsible, StageTask, subject_model
from services.pipeline import signals
from services.pipeline.moves import deadline_after


class _Skip(Exception):
    """Another run got to this subject first."""


def period_key(stage, entered_at, now):
    """Which interval since the subject entered the stage `now` falls in; one task per period."""
    number = int((now - entered_at) / timedelta(days=stage.periodic_interval_days))
    entered = int(entered_at.replace(tzinfo=UTC).timestamp())
    return f"{stage.id}:{entered}:{number}"


def periodic_stages():
    """The working stages with a periodic interval, with their pipelines."""
    return db.session.scalars(
        select(Stage)
        .options(lazyload("*"), selectinload(Stage.pipeline).options(lazyload("*")))
        .where(Stage.periodic_interval_days > 0, Stage.is_final.is_(False))
        .order_by(Stage.id)
    ).all()


def subject_of(stage):
    return subject_model(stage.pipeline.subject_type)


def due_for_renewal(stage, now, after_id, batch_size):
    """[(subject, open task id, its seq)] of the stage whose open task is a whole period old, by id."""
    subject = subject_of(stage)
    due = now - timedelta(days=stage.periodic_interval_days)
    return db.session.execute(
        select(subject, StageTask.id, StageTask.seq)
        .join(
            StageTask,
            (StageTask.subject_type == subject.__subject_type__)
            & (StageTask.subject_id == subject.id)
            & StageTask.closed_at.is_(None),
        )
        .where(
            subject.stage_id == stage.id,
            subject.deleted_at.is_(None),
            subject.id > after_id,
            StageTask.stage_id == stage.id,
            StageTask.opened_at <= due,
        )
        .order_by(subject.id)
        .limit(batch_size)
        .options(lazyload("*"), selectinload(subject.responsibles).options(lazyload(StageResponsible.stage)))
    ).all()


def renew(subject, stage, task_id, seq, now):
    """Close the subject's open task and open the next one in the same stage, inside a savepoint:
    all or nothing. False when another run renewed it first."""
    try:
        with db.session.begin_nested():
            closed = db.session.execute(
                update(StageTask)
                .where(StageTask.id == task_id, StageTask.closed_at.is_(None))
                .values(closed_at=now, closed_by_id=None, values={"periodic": True}, moved_to_stage_id=stage.id)
                .execution_options(synchronize_session=False)
            )
            if closed.rowcount != 1:
                raise _Skip
            db.session.add(
                StageTask(
                    subject_type=subject.__subject_type__,
                    subject_id=subject.id,
                    seq=seq + 1,
                    stage_id=stage.id,
                    assignee_id=subject.responsible_for(stage),
                    opened_at=now,
                    deadline=deadline_after(stage, now),
                    period_key=period_key(stage, subject.stage_entered_at, now),
                )
            )
            db.session.flush()
    except (_Skip, IntegrityError):
        return False
    return True


def rollover_stages():
    return db.session.scalars(
        select(Stage)
        .options(lazyload("*"), selectinload(Stage.pipeline).options(lazyload("*")))
        .where(Stage.deadline_rollover.is_(True))
    ).all()


def _overdue(stages, cutoff):
    """The conditions of the open tasks of `stages` (one subject type) due before `cutoff` whose
    subject still waits."""
    subject = subject_of(stages[0])
    waiting = select(subject.id).where(subject.deleted_at.is_(None), *subject.waiting_clause())
    return (
        StageTask.closed_at.is_(None),
        StageTask.stage_id.in_([stage.id for stage in stages]),
        StageTask.subject_type == subject.__subject_type__,
        StageTask.deadline < cutoff,
        StageTask.subject_id.in_(waiting),
    )


def by_subject_type(stages):
    grouped = {}
    for stage in stages:
        grouped.setdefault(stage.pipeline.subject_type, []).append(stage)
    return list(grouped.values())


def roll_over_batch(stages, cutoff, target, after_id, batch_size):
    """Give the next batch (by id) of overdue tasks of `stages` (one subject type) the deadline
    `target`: ([(task id, stage id)] of the batch, how many got it); ([], 0) when none is left."""
    due = _overdue(stages, cutoff)
    rows = db.session.execute(
        select(StageTask.id, StageTask.stage_id)
        .where(*due, StageTask.id > after_id)
        .order_by(StageTask.id)
        .limit(batch_size)
    ).all()
    if not rows:
        return rows, 0
    result = db.session.execute(
        update(StageTask)
        .where(StageTask.id.in_([row.id for row in rows]), *due)
        .values(deadline=target)
        .execution_options(synchronize_session=False)
    )
    return rows, result.rowcount


def column_changed(stage):
    """The stage's open tasks were renewed or re-dated: its receivers (open boards) are told."""
    signals.column_changed.send(stage.pipeline.code, stage_id=stage.id)
