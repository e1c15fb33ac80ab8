"""The cards task tracker: column counts in one grouped query, column pages by keyset, all
narrowed by the access scope and the board's filters. No query per card."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, true, tuple_
from sqlalchemy import text as sql_text

from extensions import db
from models.card import Card
from models.pipeline import Pipeline, Stage, StageTask
from models.user import User
from services import access

PAGE_SIZE = 50


@dataclass(frozen=True)
class BoardFilters:
    mine: bool = False
    agent_id: int | None = None
    manager_id: int | None = None
    bank_id: int | None = None

    @classmethod
    def from_args(cls, args):
        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdecimal() and len(value) <= 18 else None

        return cls(
            mine=args.get("mine") == "1", agent_id=number("agent"), manager_id=number("manager"), bank_id=number("bank")
        )

    def as_args(self):
        args = {
            "mine": "1" if self.mine else None,
            "agent": self.agent_id,
            "manager": self.manager_id,
            "bank": self.bank_id,
        }
        return {k: v for k, v in args.items() if v}


def cards_pipeline(*options):
    return db.session.scalar(select(Pipeline).where(Pipeline.code == "cards").options(*options))


def _card_conditions(user, filters):
    """Live cards the user may see, narrowed by the board's card filters."""
    conditions = [Card.deleted_at.is_(None)]
    clause = access.scope_clause(user, Card) if user is not None else None
    if clause is not None:
        conditions.append(clause)
    if filters.agent_id:
        conditions.append(Card.agent_id == filters.agent_id)
    if filters.manager_id:
        conditions.append(Card.manager_id == filters.manager_id)
    if filters.bank_id:
        conditions.append(Card.bank_id == filters.bank_id)
    return conditions


def _open_tasks(user, filters):
    """FROM/WHERE shared by counts and pages: open card tasks the user may see."""
    joined = StageTask.__table__.join(
        Card.__table__, and_(Card.id == StageTask.subject_id, StageTask.subject_type == "card")
    )
    conditions = [StageTask.closed_at.is_(None), *_card_conditions(user, filters)]
    if filters.mine and user is not None:
        conditions.append(StageTask.assignee_id == user.id)
    return joined, conditions


def counts(user, filters=BoardFilters()):
    """{stage_id: open tasks}; user None means unscoped (for the all-seeing board room).

    A card on a non-final stage has exactly one open task, on that stage (the engine closes one
    and opens the next in the same transaction), so cards are counted by their stage from one
    covering index (ix_cards_board) rather than by joining every open task to its card. Only
    "mine", a condition on the task, needs the join; it is selective by the assignee index.
    """
    if filters.mine and user is not None:
        joined, conditions = _open_tasks(user, filters)
        query = select(StageTask.stage_id, func.count()).select_from(joined).where(*conditions)
        query = query.group_by(StageTask.stage_id)
    else:
        # The ids as values, not a subquery: the planner then sees that they are the 10% on the board.
        on_board = db.session.scalars(
            select(Stage.id).join(Pipeline).where(Pipeline.code == "cards", Stage.is_final.is_(False))
        ).all()
        query = select(Card.stage_id, func.count()).where(Card.stage_id.in_(on_board), *_card_conditions(user, filters))
        query = query.group_by(Card.stage_id)
    return dict(db.session.execute(query).all())


def _column_query(user, stage_id, filters, after, limit):
    joined, conditions = _open_tasks(user, filters)
    joined = joined.outerjoin(User.__table__, User.id == StageTask.assignee_id)
    conditions.append(StageTask.stage_id == stage_id)
    if after is not None:
        conditions.append(tuple_(StageTask.deadline, StageTask.id) > tuple_(*after))
    return (
        select(
            StageTask.id,
            StageTask.stage_id,
            StageTask.deadline,
            StageTask.assignee_id,
            Card.id.label("card_id"),
            Card.number,
            Card.contact_name,
            Card.contact_phone,
            Card.version,
            User.full_name,
            User.username,
        )
        .select_from(joined)
        .where(*conditions)
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    )


def column(user, stage_id, filters=BoardFilters(), after=None, limit=PAGE_SIZE):
    """One page of a column ordered by (deadline, task id); `after` is the last (deadline, id) seen."""
    return db.session.execute(_column_query(user, stage_id, filters, after, limit)).all()


def first_pages(user, stage_ids, filters=BoardFilters(), limit=PAGE_SIZE):
    """{stage_id: first page} for the whole board in one query: the column page as a LATERAL
    subquery per stage, so the scope is planned and its subqueries run once, not once a column.
    SQLite has no LATERAL: there it is one small query per column."""
    if db.session.get_bind().dialect.name != "postgresql":
        return {stage_id: column(user, stage_id, filters, limit=limit) for stage_id in stage_ids}
    # PostgreSQL charges the scope's subqueries to every re-scan of the page, so for a scoped user the
    # estimate can pass jit_above_cost: compiling would take ~40 ms of a query that runs in ~10 ms.
    db.session.execute(sql_text("SET LOCAL jit = off"))
    board = select(Stage.id.label("board_stage_id")).where(Stage.id.in_(stage_ids)).subquery("board")
    page = _column_query(user, board.c.board_stage_id, filters, None, limit).lateral("page")
    query = select(page).select_from(board.join(page, true())).order_by(page.c.stage_id, page.c.deadline, page.c.id)
    pages = {stage_id: [] for stage_id in stage_ids}
    for row in db.session.execute(query):
        pages[row.stage_id].append(row)
    return pages


def parse_cursor(text):
    """'2026-11-23T10:00:00_123' → (datetime, 123); anything else → None."""
    try:
        stamp, _sep, task_id = (text or "").rpartition("_")
        return datetime.fromisoformat(stamp), int(task_id)
    except ValueError:
        return None


def cursor_of(row):
    return f"{row.deadline.isoformat()}_{row.id}"
