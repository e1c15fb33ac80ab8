"""The cards task tracker: column counts in one grouped query, column pages by keyset, all
narrowed by the access scope and the board's filters. No query per card."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, tuple_

from extensions import db
from models.card import Card
from models.pipeline import Pipeline, StageTask
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
            return int(value) if value.isdigit() else None

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


def cards_pipeline():
    return db.session.scalar(select(Pipeline).where(Pipeline.code == "cards"))


def _open_tasks(user, filters):
    """FROM/WHERE shared by counts and pages: open card tasks the user may see."""
    joined = StageTask.__table__.join(
        Card.__table__, and_(Card.id == StageTask.subject_id, StageTask.subject_type == "card")
    )
    conditions = [StageTask.closed_at.is_(None), Card.deleted_at.is_(None)]
    clause = access.scope_clause(user, Card) if user is not None else None
    if clause is not None:
        conditions.append(clause)
    if filters.mine and user is not None:
        conditions.append(StageTask.assignee_id == user.id)
    if filters.agent_id:
        conditions.append(Card.agent_id == filters.agent_id)
    if filters.manager_id:
        conditions.append(Card.manager_id == filters.manager_id)
    if filters.bank_id:
        conditions.append(Card.bank_id == filters.bank_id)
    return joined, conditions


def counts(user, filters=BoardFilters()):
    """{stage_id: open tasks}; user None means unscoped (for the all-seeing board room)."""
    joined, conditions = _open_tasks(user, filters)
    rows = db.session.execute(
        select(StageTask.stage_id, func.count()).select_from(joined).where(*conditions).group_by(StageTask.stage_id)
    )
    return dict(rows.all())


def column(user, stage_id, filters=BoardFilters(), after=None, limit=PAGE_SIZE):
    """One page of a column ordered by (deadline, task id); `after` is the last (deadline, id) seen."""
    joined, conditions = _open_tasks(user, filters)
    joined = joined.outerjoin(User.__table__, User.id == StageTask.assignee_id)
    conditions.append(StageTask.stage_id == stage_id)
    if after is not None:
        conditions.append(tuple_(StageTask.deadline, StageTask.id) > tuple_(*after))
    query = (
        select(
            StageTask.id,
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
    return db.session.execute(query).all()


def parse_cursor(text):
    """'2026-11-23T10:00:00_123' → (datetime, 123); anything else → None."""
    try:
        stamp, _sep, task_id = (text or "").rpartition("_")
        return datetime.fromisoformat(stamp), int(task_id)
    except ValueError:
        return None


def cursor_of(row):
    return f"{row.deadline.isoformat()}_{row.id}"
