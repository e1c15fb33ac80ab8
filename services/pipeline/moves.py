"""A subject's way through its pipeline: its first stage, and every move after.

A move: allowed move? policy? fresh version? values valid for the stage's field spec? → close the
open stage task with the values, open the next one, flush (the audit hook writes the history), and
send the `moved` signal. The caller commits (services.platform.unit_of_work); the realtime event
goes after that commit.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from extensions import db
from models.base import utcnow
from models.pipeline import Pipeline, Stage, StageTask
from services.pipeline import signals, subjects
from services.pipeline.calendar import end_of_next_business_day
from services.pipeline.fields import validate
from services.pipeline.people import may_move, may_send_back
from services.pipeline.spec import condition_holds, parse_condition
from services.platform import notifications


class MoveError(Exception):
    """A refused move; `errors` maps field names to messages for the modal."""

    def __init__(self, message, errors=None, status=400):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.status = status


@dataclass
class MoveResult:
    subject: object
    from_stage: Stage
    to_stage: Stage
    closed: StageTask
    opened: StageTask | None
    values: dict = field(default_factory=dict)
    # As flushed, read before the commit expires the objects above: what the realtime event and
    # the answer need, without reloading the subject, its stages and the pipeline.
    subject_id: int | None = None
    version: int | None = None
    from_stage_id: int | None = None
    to_stage_id: int | None = None
    pipeline_code: str | None = None
    # The ids of the subject's people whose visibility makes it visible: who may hear of the move.
    people: frozenset = frozenset()


def open_task(subject, *options):
    return db.session.scalar(
        select(StageTask)
        .where(
            StageTask.subject_type == subject.__subject_type__,
            StageTask.subject_id == subject.id,
            StageTask.closed_at.is_(None),
        )
        .options(*options)
    )


def deadline_after(stage, start=None):
    return (start or utcnow()) + timedelta(days=max(stage.deadline_days, 0))


def start(subject, stage, by=None):
    """Put a new subject on its first stage with its first task, and send `started` (open boards
    show it once the caller commits)."""
    subject.stage = stage
    subject.stage_id = stage.id
    subject.bucket = stage.bucket
    subject.stage_entered_at = utcnow()
    db.session.flush()
    task = StageTask(
        subject_type=subject.__subject_type__,
        subject_id=subject.id,
        seq=1,
        stage_id=stage.id,
        assignee_id=subject.responsible_for(stage),
        deadline=deadline_after(stage),
    )
    db.session.add(task)
    db.session.flush()
    signals.started.send(subject, result=_result(subject, stage, stage, None, task, {}))
    return task


def move(subject, to_stage, values, by, expected_version):
    """Move `subject` to `to_stage` with the modal's `values`. Raises MoveError; flushes on success."""
    from flask_babel import gettext as _

    from_stage = subject.stage
    if expected_version is None or int(expected_version) != subject.version:
        raise MoveError(_("Someone else changed this meanwhile — reload the page."), status=409)
    back = to_stage is not None and to_stage.id in {t.id for t in from_stage.send_back_targets}
    if to_stage is None or (not back and to_stage.id not in {t.id for t in from_stage.allowed_targets}):
        raise MoveError(_("This move is not allowed from the current stage."), status=400)
    if back and not may_send_back(by, subject):
        raise MoveError(_("You may not make this move."), status=403)
    # The move reads the task's own columns, not its stage and person (with their eager relations).
    task = open_task(subject, lazyload(StageTask.stage), lazyload(StageTask.assignee))
    if task is not None and task.stage_id != from_stage.id:
        # Moved by someone else since this subject was loaded: the open task is already the next one.
        raise MoveError(_("Someone else changed this meanwhile — reload the page."), status=409)
    if not may_move(by, subject, task):
        raise MoveError(_("You may not make this move."), status=403)
    # A move back corrects a mistake: it asks for none of the stage's values and books nothing.
    clean, errors = ({}, {}) if back else validate(from_stage, values, subject, to_stage)
    if not back:
        errors = (
            errors or _unmet_condition(from_stage, to_stage, values) or signals.refusals(subject, from_stage, clean)
        )
    if errors:
        raise MoveError(_("Check the highlighted fields."), errors=errors, status=422)
    now = utcnow()
    if task is not None:
        task.closed_at = now
        task.closed_by_id = by.id
        task.values = clean
        task.moved_to_stage_id = to_stage.id
    subject.stage = to_stage
    subject.stage_id = to_stage.id
    subject.bucket = to_stage.bucket
    subject.stage_entered_at = now
    signals.stage_left.send(subject, stage=from_stage, values=clean, by=by)
    opened = None
    if not to_stage.is_final:
        opened = StageTask(
            subject_type=subject.__subject_type__,
            subject_id=subject.id,
            seq=(task.seq + 1) if task else 1,
            stage_id=to_stage.id,
            # A "next responsible" entered in the modal takes the next task.
            assignee_id=clean.get("next_responsible") or subject.responsible_for(to_stage),
            deadline=deadline_after(to_stage, now),
        )
        db.session.add(opened)
    return _finish(subject, from_stage, to_stage, task, opened, clean, by)


def step(subject, values, by, expected_version):
    """The in-stage step of the subject's stage: the modal's values recorded in the history like a
    move (the open task closed with them), the subject kept on its stage with a new task due at the
    end of the next business day. Raises MoveError; flushes on success."""
    from flask_babel import gettext as _

    stage = subject.stage
    if expected_version is None or int(expected_version) != subject.version:
        raise MoveError(_("Someone else changed this meanwhile — reload the page."), status=409)
    if not stage.step_label_uk:
        raise MoveError(_("This stage has no such step."), status=400)
    task = open_task(subject, lazyload(StageTask.stage), lazyload(StageTask.assignee))
    if task is None or task.stage_id != stage.id:
        raise MoveError(_("Someone else changed this meanwhile — reload the page."), status=409)
    if not may_move(by, subject, task):
        raise MoveError(_("You may not make this move."), status=403)
    clean, errors = validate(stage, values, subject, stage, step=True)
    if errors:
        raise MoveError(_("Check the highlighted fields."), errors=errors, status=422)
    now = utcnow()
    task.closed_at = now
    task.closed_by_id = by.id
    task.values = clean
    task.moved_to_stage_id = stage.id
    flag_modified(subject, "stage_id")  # the subject's version moves on: a move read before is stale
    opened = StageTask(
        subject_type=subject.__subject_type__,
        subject_id=subject.id,
        seq=task.seq + 1,
        stage_id=stage.id,
        assignee_id=task.assignee_id,
        deadline=end_of_next_business_day(now),
    )
    db.session.add(opened)
    return _finish(subject, stage, stage, task, opened, clean, by)


UNDO_SECONDS = 30
UNDONE = "_undone"  # the mark, among a closed task's values, of the task an undo closed


def undo(subject, by, expected_version, now=None):
    """The mover takes back his last move within UNDO_SECONDS: the subject returns to the stage it
    left, with a task like the one it had there (its person and deadline); the history keeps both
    the move and its undoing. Receivers of `move_undone` take back what the move booked. Raises
    MoveError; flushes on success."""
    from flask_babel import gettext as _

    now = now or utcnow()
    if expected_version is None or int(expected_version) != subject.version:
        raise MoveError(_("Someone else changed this meanwhile — reload the page."), status=409)
    current = open_task(subject, lazyload(StageTask.stage), lazyload(StageTask.assignee))
    last = _last_closed(subject, current)
    if (
        last is None
        or last.closed_by_id != by.id
        or last.stage_id == last.moved_to_stage_id
        or last.moved_to_stage_id != subject.stage_id
        or (now - last.closed_at).total_seconds() > UNDO_SECONDS
        or (last.values or {}).get(UNDONE)
    ):
        raise MoveError(_("This move can no longer be undone."), status=409)
    stage_now, back_to = subject.stage, last.stage
    if current is not None:
        current.closed_at, current.closed_by_id, current.values = now, by.id, {UNDONE: True}
        current.moved_to_stage_id = back_to.id
    subject.stage, subject.stage_id, subject.bucket, subject.stage_entered_at = back_to, back_to.id, back_to.bucket, now
    signals.move_undone.send(subject, stage=back_to, values=last.values or {}, by=by, left=stage_now)
    opened = StageTask(
        subject_type=subject.__subject_type__,
        subject_id=subject.id,
        seq=(current.seq if current else last.seq) + 1,
        stage_id=back_to.id,
        assignee_id=last.assignee_id,
        deadline=last.deadline,
    )
    db.session.add(opened)
    return _finish(subject, stage_now, back_to, current, opened, {}, by)


def _last_closed(subject, current):
    seq = (current.seq - 1) if current is not None else None
    query = select(StageTask).where(
        StageTask.subject_type == subject.__subject_type__,
        StageTask.subject_id == subject.id,
        StageTask.closed_at.is_not(None),
    )
    query = query.where(StageTask.seq == seq) if seq is not None else query.order_by(StageTask.seq.desc()).limit(1)
    return db.session.scalar(query.options(lazyload(StageTask.assignee)))


def _unmet_condition(from_stage, to_stage, values):
    """{field: message} when the move to `to_stage` has a condition the values do not meet."""
    from flask_babel import gettext as _

    move = next((m for m in from_stage.moves if m.to_stage_id == to_stage.id), None)
    if move is None or condition_holds(move.condition, values):
        return {}
    name, wanted = parse_condition(move.condition)
    field = next((f for f in from_stage.fields if f.name == name), None)
    label = dict(field.choice_list()).get(wanted, wanted) if field else wanted
    return {name: _("To move on, choose “%(answer)s” here.", answer=label)}


def _finish(subject, from_stage, to_stage, task, opened, clean, by):
    """Write the move (or step) and tell the receivers of `moved`. A version or open-task conflict
    found by the flush is a MoveError; the caller rolls back."""
    from flask_babel import gettext as _

    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        raise MoveError(_("Someone else changed this meanwhile — reload the page."), status=409) from None
    result = _result(subject, from_stage, to_stage, task, opened, clean)
    signals.moved.send(subject, result=result)
    if opened is not None and opened.assignee_id not in (None, by.id):
        notifications.notify([opened.assignee_id], "pipeline.task", exclude=by.id, author=by.display_name,
                             link=subjects.page_of(subject.__subject_type__, subject.id), subject=str(subject))  # fmt: skip
    return result


def _result(subject, from_stage, to_stage, closed, opened, values):
    return MoveResult(
        subject=subject,
        from_stage=from_stage,
        to_stage=to_stage,
        closed=closed,
        opened=opened,
        values=values,
        subject_id=subject.id,
        version=getattr(subject, "version", None),
        from_stage_id=from_stage.id,
        to_stage_id=to_stage.id,
        pipeline_code=db.session.scalar(select(Pipeline.code).where(Pipeline.id == to_stage.pipeline_id)),
        people=subject.scope_people_ids(),
    )
