"""Scheduled jobs of the pipeline engine. Both are idempotent: a second run in the same period
changes nothing, whichever scheduler, retry or worker runs it.

- `open_periodic_stage_tasks`: in every stage with a periodic interval, a card whose open task
  is at least that old gets it closed and a fresh one in the same stage. The new task carries a
  period key unique per card, so two concurrent runs cannot both add one.
- `roll_bank_check_deadlines`: in stages with deadline roll-over, open tasks due today or
  earlier on cards without the bank's answer are moved to the start of the next (business) day.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload, selectinload

from extensions import db
from models.base import utcnow
from models.cards.card import Card, CardResponsible
from models.pipeline import Stage, StageTask
from services.pipeline import deadline_after

BATCH_SIZE = 500
SATURDAY = 5


class _Skip(Exception):
    """Another run got to this card first."""


def period_key(stage, entered_at, now):
    """Which interval since the card entered the stage `now` falls in; one task per period."""
    number = int((now - entered_at) / timedelta(days=stage.periodic_interval_days))
    entered = int(entered_at.replace(tzinfo=UTC).timestamp())
    return f"{stage.id}:{entered}:{number}"


def _periodic_batch(stage, now, after_id, batch_size):
    due = now - timedelta(days=stage.periodic_interval_days)
    return db.session.execute(
        select(Card, StageTask.id, StageTask.seq)
        .join(
            StageTask,
            (StageTask.subject_type == Card.__subject_type__)
            & (StageTask.subject_id == Card.id)
            & StageTask.closed_at.is_(None),
        )
        .where(
            Card.stage_id == stage.id,
            Card.deleted_at.is_(None),
            Card.id > after_id,
            StageTask.stage_id == stage.id,
            StageTask.opened_at <= due,
        )
        .order_by(Card.id)
        .limit(batch_size)
        .options(lazyload("*"), selectinload(Card.responsibles).options(lazyload(CardResponsible.stage)))
    ).all()


def _renew(card, stage, task_id, seq, now):
    """Close the card's open task and open the next one, inside a savepoint: all or nothing."""
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
                    subject_type=card.__subject_type__,
                    subject_id=card.id,
                    seq=seq + 1,
                    stage_id=stage.id,
                    assignee_id=card.responsible_for(stage),
                    opened_at=now,
                    deadline=deadline_after(stage, now),
                    period_key=period_key(stage, card.stage_entered_at, now),
                )
            )
            db.session.flush()
    except (_Skip, IntegrityError):
        return False
    return True


def open_periodic_stage_tasks(now=None, batch_size=BATCH_SIZE, after_batch=None):
    """Returns how many tasks were opened. `after_batch(count)` runs after each committed batch."""
    now = now or utcnow()
    stages = db.session.scalars(
        select(Stage)
        .options(lazyload("*"))
        .where(Stage.periodic_interval_days > 0, Stage.is_final.is_(False))
        .order_by(Stage.id)
    ).all()
    opened = 0
    for stage in stages:
        after_id, changed = 0, 0
        while True:
            rows = _periodic_batch(stage, now, after_id, batch_size)
            if not rows:
                break
            after_id = rows[-1][0].id
            count = sum(_renew(card, stage, task_id, seq, now) for card, task_id, seq in rows)
            db.session.commit()
            changed += count
            if after_batch:
                after_batch(count)
        if changed:
            _notify_board(stage)
        opened += changed
    return opened


def next_deadline(now, zone_name, skip_weekends):
    """(cut-off, new deadline) as naive UTC: tasks due before the cut-off (the start of tomorrow in
    the business zone) move to the start of the next day, or of Monday when weekends are skipped."""
    zone = ZoneInfo(zone_name)
    today = now.replace(tzinfo=UTC).astimezone(zone).date()
    tomorrow = today + timedelta(days=1)
    target = tomorrow
    if skip_weekends and target.weekday() >= SATURDAY:
        target += timedelta(days=7 - target.weekday())

    def start_of(day):
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)

    return start_of(tomorrow), start_of(target)


def roll_bank_check_deadlines(now=None, batch_size=BATCH_SIZE * 2):
    """Returns how many tasks got the new deadline. One UPDATE per batch of task ids."""
    config = current_app.config
    cutoff, target = next_deadline(
        now or utcnow(), config.get("BUSINESS_TIMEZONE", "Europe/Kyiv"), config.get("ROLLOVER_SKIP_WEEKENDS", False)
    )
    stages = db.session.scalars(select(Stage).options(lazyload("*")).where(Stage.deadline_rollover.is_(True))).all()
    if not stages:
        return 0
    stage_ids = [stage.id for stage in stages]
    waiting = select(Card.id).where(Card.bank_answer_date.is_(None), Card.deleted_at.is_(None))
    due = (
        StageTask.closed_at.is_(None),
        StageTask.stage_id.in_(stage_ids),
        StageTask.subject_type == Card.__subject_type__,
        StageTask.deadline < cutoff,
        StageTask.subject_id.in_(waiting),
    )
    moved, after_id, touched = 0, 0, set()
    while True:
        rows = db.session.execute(
            select(StageTask.id, StageTask.stage_id)
            .where(*due, StageTask.id > after_id)
            .order_by(StageTask.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        result = db.session.execute(
            update(StageTask)
            .where(StageTask.id.in_([row.id for row in rows]), *due)
            .values(deadline=target)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        moved += result.rowcount
        touched.update(row.stage_id for row in rows)
        after_id = rows[-1].id
    for stage in stages:
        if stage.id in touched:
            _notify_board(stage)
    return moved


def _notify_board(stage):
    from realtime.notify import stage_tasks_changed

    stage_tasks_changed(stage.pipeline.code, stage.id)


PERIODIC = (
    {
        "id": "open-periodic-stage-tasks",
        "func": "jobs.pipeline.open_periodic_stage_tasks",
        "interval_seconds": 3600,
        "timeout": 1800,
    },
    {
        "id": "roll-bank-check-deadlines",
        "func": "jobs.pipeline.roll_bank_check_deadlines",
        "interval_seconds": 900,
        "timeout": 900,
    },
)


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
