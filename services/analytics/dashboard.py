"""The owner's figures on the home page, each from one cheap query (or a few Redis calls)."""

import datetime as dt

from sqlalchemy import func, select

from extensions import db
from models.pipeline import Pipeline, StageTask
from models.platform.user import User
from services.cards import board as card_board
from services.finance import report as finance
from services.platform.timezones import now_utc

OVERDUE_PEOPLE_LIMIT = 20


def stage_counts():
    """[(stage, live cards on it)] for the board's (non-final) stages in order: the tracker's own
    grouped count (card_board.counts, served by ix_cards_board). The archive is not counted: it
    only grows, and its tab is one click away."""
    board = db.session.scalar(select(Pipeline).where(Pipeline.code == "cards"))
    if board is None:
        return []
    counts = card_board.counts(None)
    return [(stage, counts.get(stage.id, 0)) for stage in board.stages if not stage.is_final]


def overdue_by_person(now=None, limit=OVERDUE_PEOPLE_LIMIT):
    """[(user id, name, overdue open stage tasks)], most overdue first: one grouped query."""
    name = func.coalesce(func.nullif(User.full_name, ""), User.username)
    rows = db.session.execute(
        select(StageTask.assignee_id, name, func.count().label("n"))
        .join(User, User.id == StageTask.assignee_id)
        .where(StageTask.closed_at.is_(None), StageTask.deadline < (now or now_utc()))
        .group_by(StageTask.assignee_id, name)
        .order_by(func.count().desc(), name)
        .limit(limit)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def money_months(today):
    """{'this': Figures, 'last': Figures, 'this_period': (from, to), 'last_period': (from, to)}."""
    this_from = today.replace(day=1)
    this_to = finance.next_month(today) - dt.timedelta(days=1)
    last_to = this_from - dt.timedelta(days=1)
    this, last = finance.month_figures(today)
    return {
        "this": this,
        "last": last,
        "this_period": (this_from, this_to),
        "last_period": (last_to.replace(day=1), last_to),
    }


def change(this, last):
    """Percent change from last to this, or None when last is zero."""
    if not last:
        return None
    return round((this - last) * 100 / abs(last))
