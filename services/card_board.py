"""The cards task tracker: column counts in one grouped query, column pages by keyset, all
narrowed by the access scope and the board's filters. No query per card."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, not_, or_, select, true, tuple_, union_all
from sqlalchemy import text as sql_text

from extensions import db
from models.card import Card, CardResponsible, CardStageCount
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


def _board_stages():
    return select(Stage.id).join(Pipeline).where(Pipeline.code == "cards", Stage.is_final.is_(False))


def counts(user, filters=BoardFilters(), stage_ids=None):
    """{stage_id: live cards}, stages with none left out; user None means unscoped (for the
    all-seeing board room). `stage_ids`: the board's working stages, when the caller has them.

    A card on a non-final stage has exactly one open task, on that stage (the engine closes one
    and opens the next in the same transaction), so cards are counted by their stage. Without a
    bank filter the count is a SUM over the trigger-kept counters (models.card.CardStageCount);
    "mine", a condition on the task, joins the open tasks (selective by the assignee index); a bank
    filter, which the counters do not carry, counts the cards from the covering index ix_cards_board.
    """
    if filters.mine and user is not None:
        joined, conditions = _open_tasks(user, filters)
        query = select(StageTask.stage_id, func.count()).select_from(joined).where(*conditions)
        query = query.group_by(StageTask.stage_id)
    elif filters.bank_id:
        # The ids as values, not a subquery: the planner then sees that they are the 10% on the board.
        on_board = stage_ids if stage_ids is not None else db.session.scalars(_board_stages()).all()
        query = select(Card.stage_id, func.count()).where(Card.stage_id.in_(on_board), *_card_conditions(user, filters))
        query = query.group_by(Card.stage_id)
    else:
        query = _counter_query(user, filters, stage_ids)
        if query is None:
            return {}
        _no_jit()
    result = {}
    for stage_id, number in db.session.execute(query):
        result[stage_id] = result.get(stage_id, 0) + int(number)
    return {stage_id: number for stage_id, number in result.items() if number}


def _counter_query(user, filters, stage_ids):
    """The counters' SUM per stage, narrowed like _card_conditions; None when the user sees nothing.

    The scope (models.card.Card.scope_clause) is an OR: agent, manager or accountant among the
    visible people, or a visible person responsible for a stage of the card. The first three are
    columns of the counters, so that part is a SUM; the cards seen only through a responsible
    person (none of the three visible) are counted live and added: few, found from the visible
    people's card_responsibles rows whose card is on the board (card_stage_id), then by id."""
    on_board = list(stage_ids) if stage_ids is not None else _board_stages()
    kept = CardStageCount
    conditions = [kept.stage_id.in_(on_board)]
    if filters.agent_id:
        conditions.append(kept.agent_id == filters.agent_id)
    if filters.manager_id:
        conditions.append(kept.manager_id == filters.manager_id)
    clause = access.scope_clause(user, Card) if user is not None else None
    if clause is None:
        return select(kept.stage_id, func.sum(kept.cards)).where(*conditions).group_by(kept.stage_id)
    if not (user.is_authenticated and user.is_active):
        return None
    # The people as values, not a subquery: index conditions for the responsibles, plain filters here.
    visible = sorted(access.visible_set(user))
    conditions.append(or_(kept.agent_id.in_(visible), kept.manager_id.in_(visible), kept.accountant_id.in_(visible)))
    by_columns = select(kept.stage_id, func.sum(kept.cards)).where(*conditions).group_by(kept.stage_id)
    people = (Card.agent_id, Card.manager_id, Card.accountant_id)
    live = [
        Card.deleted_at.is_(None),
        Card.stage_id.in_(on_board),
        not_(or_(*(func.coalesce(column, 0).in_(visible) for column in people))),
    ]
    if filters.agent_id:
        live.append(Card.agent_id == filters.agent_id)
    if filters.manager_id:
        live.append(Card.manager_id == filters.manager_id)
    # From the visible people's responsibles for cards now on the board (card_stage_id, kept by
    # triggers, skips their archived cards) to those cards by id; a card may name several of them.
    named = (
        select(CardResponsible.card_id)
        .where(CardResponsible.user_id.in_(visible), CardResponsible.card_stage_id.in_(on_board))
        .distinct()
        .subquery("named")
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # A look-up by id per named card: left to itself the planner, misjudging the NOT, scans the
        # whole board. (LIMIT 1 — one card per id anyway — keeps the LATERAL from being flattened.)
        card = select(Card.stage_id).where(Card.id == named.c.card_id, *live).limit(1).lateral("card")
        by_responsible = select(card.c.stage_id, func.count()).select_from(named.join(card, true()))
        by_responsible = by_responsible.group_by(card.c.stage_id)
    else:
        by_responsible = select(Card.stage_id, func.count()).join(named, named.c.card_id == Card.id).where(*live)
        by_responsible = by_responsible.group_by(Card.stage_id)
    return union_all(by_columns, by_responsible)


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
    _no_jit()
    board = select(Stage.id.label("board_stage_id")).where(Stage.id.in_(stage_ids)).subquery("board")
    page = _column_query(user, board.c.board_stage_id, filters, None, limit).lateral("page")
    query = select(page).select_from(board.join(page, true())).order_by(page.c.stage_id, page.c.deadline, page.c.id)
    pages = {stage_id: [] for stage_id in stage_ids}
    for row in db.session.execute(query):
        pages[row.stage_id].append(row)
    return pages


def _no_jit():
    """PostgreSQL charges the scope's subqueries to every re-scan of a LATERAL (the column pages, the
    responsible people's cards), so for a scoped user the estimate can pass jit_above_cost:
    compiling would take ~40 ms of a query that runs in a few. Off for this transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sql_text("SET LOCAL jit = off"))


def parse_cursor(text):
    """'2026-11-23T10:00:00_123' → (datetime, 123); anything else → None."""
    try:
        stamp, _sep, task_id = (text or "").rpartition("_")
        return datetime.fromisoformat(stamp), int(task_id)
    except ValueError:
        return None


def cursor_of(row):
    return f"{row.deadline.isoformat()}_{row.id}"
