"""The auto-tasks tab: the stage-task history of the pipeline, filtered and paged by keyset for
its page and for exports; the values entered at each step, with people and card numbers named."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, literal, select, tuple_

from extensions import db
from models.base import utcnow
from models.pipeline import StageTask
from services.pipeline import subjects
from services.platform import access
from services.platform.cursors import cursor_text, parse_cursor
from services.tasks import lists as task_lists
from services.tasks.operations import CARD, PAGE_SIZE, TaskError

AUTO_STATES = {
    "open": _l("Open"),
    "closed": _l("Closed"),
    "overdue": _l("Open and overdue"),
    "late": _l("Closed after the deadline"),
}


def cursor_of(task):
    return cursor_text(task.opened_at, task.id)


# A step of the tab is read as these columns and its card's number, not as a StageTask with its
# stage and people: the stages and their fields are kept by the process (services.pipeline) and the
# people's names come in one query (people_names).
STEP_COLUMNS = (
    StageTask.id,
    StageTask.subject_id,
    StageTask.seq,
    StageTask.stage_id,
    StageTask.assignee_id,
    StageTask.opened_at,
    StageTask.deadline,
    StageTask.closed_at,
    StageTask.closed_by_id,
    StageTask.moved_to_stage_id,
    StageTask.values,
)


class Step(NamedTuple):
    """One row of the auto-tasks tab: a card's stage task with its card's number."""

    id: int
    subject_id: int
    seq: int
    stage_id: int
    assignee_id: int | None
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None
    closed_by_id: int | None
    moved_to_stage_id: int | None
    values: Any
    number: str

    @property
    def is_open(self):
        return self.closed_at is None

    def is_overdue(self, now):
        return self.closed_at is None and self.deadline < now


@dataclass
class AutoFilters:
    start: datetime | None = None
    end: datetime | None = None
    assignee_id: int | None = None
    state: str = ""
    seq: int | None = None
    stage_id: int | None = None
    card_id: int | None = None
    after: tuple | None = None
    raw: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args):
        errors = {}
        start, end = task_lists.parse_period(args, errors)
        ids = task_lists.parse_ids(args, ("responsible", "seq", "stage", "card"), errors)
        state = (args.get("state") or "").strip()
        if state and state not in AUTO_STATES:
            errors["state"] = _l("Not a valid choice.")
            state = ""
        after = None
        if (args.get("after") or "").strip():
            after = parse_cursor(args["after"].strip())
            if after is None:
                errors["after"] = _l("Bad page cursor.")
        raw = {
            name: (args.get(name) or "").strip()
            for name in ("from", "to", "responsible", "state", "seq", "stage", "card")
        }
        return cls(
            start=start,
            end=end,
            assignee_id=ids["responsible"],
            state=state,
            seq=ids["seq"],
            stage_id=ids["stage"],
            card_id=ids["card"],
            after=after,
            raw=raw,
            errors=errors,
        )

    def as_args(self, **extra):
        return {k: v for k, v in {**self.raw, **extra}.items() if v}


def auto_task_query(user, args, columns=None):
    """A Select of the card stage tasks the user may see (cards in his scope), filtered by `args`
    (a mapping or AutoFilters): StageTask objects, or `columns` of them and their cards. Newest
    first (opened_at, id); one card's history in order of its steps. Raises TaskError (403 without
    cards.view, 400 for a malformed filter)."""
    if not (access.can(user, "tasks.view") and access.can(user, "cards.view")):
        raise TaskError(_l("You may not see the stage tasks."), status=403)
    filters = args if isinstance(args, AutoFilters) else AutoFilters.from_args(args)
    if filters.errors:
        raise TaskError(_l("The filter was not understood."), errors=filters.errors)
    card = subjects.model(CARD)
    query = (
        select(*(columns or (StageTask,)))
        .select_from(StageTask)
        .join(card, and_(StageTask.of_subject(CARD), card.id == StageTask.subject_id))
        .where(card.deleted_at.is_(None))
    )
    # The scope from the task's copy of its card's people: the newest-first walk reads them from
    # ix_stage_tasks_subject_opened and looks up only the cards it keeps.
    clause = access.scope_clause_of(user, lambda visible: StageTask.scope_clause_for(card, visible))
    if clause is not None:
        query = query.where(clause)
    if filters.card_id:
        query = query.where(StageTask.subject_id == filters.card_id)
    if filters.start is not None:
        query = query.where(StageTask.opened_at >= filters.start)
    if filters.end is not None:
        query = query.where(StageTask.opened_at < filters.end)
    if filters.assignee_id:
        query = query.where(StageTask.assignee_id == filters.assignee_id)
    if filters.seq:
        query = query.where(StageTask.seq == filters.seq)
    if filters.stage_id:
        query = query.where(StageTask.stage_id == filters.stage_id)
    now = utcnow()
    if filters.state == "open":
        query = query.where(StageTask.closed_at.is_(None))
    elif filters.state == "closed":
        query = query.where(StageTask.closed_at.is_not(None))
    elif filters.state == "overdue":
        query = query.where(StageTask.closed_at.is_(None), StageTask.deadline < now)
    elif filters.state == "late":
        query = query.where(StageTask.closed_at.is_not(None), StageTask.closed_at > StageTask.deadline)
    if filters.card_id:
        # One card's whole history, step by step; a card has few steps, so `after` is the seq.
        if filters.after:
            query = query.where(StageTask.id > filters.after[1])
    elif filters.after:
        query = query.where(tuple_(StageTask.opened_at, StageTask.id) < tuple_(*filters.after))
    return query.order_by(*_order(filters))


def _order(filters):
    if filters.card_id:
        return StageTask.seq, StageTask.id
    return StageTask.opened_at.desc(), StageTask.id.desc()


def auto_task_page(user, filters, page_size=PAGE_SIZE):
    """(Steps, next cursor or None); LIMIT page_size + 1, never a COUNT. The page's ids first, then
    their rows: the walk for the ids reads an index only, never the tasks it passes over."""
    # The limit written into the statement: with a parameter instead, a prepared statement's generic
    # plan expects a tenth of all tasks from the walk, and joins them all.
    limit = literal(page_size + 1, Integer, literal_execute=True)
    number = subjects.key_column(CARD).label("number")
    page = auto_task_query(user, filters, (StageTask.id, number)).limit(limit).subquery("page")
    query = (
        select(*STEP_COLUMNS, page.c.number)
        .select_from(page.join(StageTask, StageTask.id == page.c.id))
        .order_by(*_order(filters))
    )
    steps = [Step(*row) for row in db.session.execute(query)]
    more = len(steps) > page_size
    steps = steps[:page_size]
    return steps, (cursor_of(steps[-1]) if more and steps else None)


def pipeline_stages(labels):
    """(id, label) of the cards pipeline's stages (pipeline.stage_labels), for the auto-tasks stage filter."""
    return [(stage.id, stage.label) for stage in labels.values()]
