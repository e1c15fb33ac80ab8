"""The cards task tracker: column counts in one grouped query, column pages by keyset, all
narrowed by the access scope and the board's filters. No query per card."""

from dataclasses import dataclass
from datetime import datetime
from time import monotonic

from sqlalchemy import and_, func, not_, or_, select, true, tuple_, union, union_all
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
    found = {stage_id: number for stage_id, number in result.items() if number}
    if access.has_narrow_scope(user):
        _remember_seen(user, filters, stage_ids if stage_ids is not None else found, found)
    return found


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
    people = Card.scope_people()
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


def _column_query(user, stage_id, filters, after, limit, drive=False):
    """One column page ordered by (deadline, task id): the walk or, with `drive`, the drive.

    The walk reads the stage's open tasks in that order and keeps those whose card the viewer may
    see: for a viewer who sees a share f of the stage, about `limit / f` tasks. The drive reads the
    viewer's own cards of the stage instead (_driven_page)."""
    if drive:
        return _driven_page(user, stage_id, filters, after, limit)
    joined, conditions = _open_tasks(user, filters)
    joined = joined.outerjoin(User.__table__, User.id == StageTask.assignee_id)
    conditions.append(StageTask.stage_id == stage_id)
    if after is not None:
        conditions.append(tuple_(StageTask.deadline, StageTask.id) > tuple_(*after))
    return (
        select(*_TASK_COLUMNS, *_CARD_COLUMNS)
        .select_from(joined)
        .where(*conditions)
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    )


_TASK_COLUMNS = (StageTask.id, StageTask.stage_id, StageTask.deadline, StageTask.assignee_id)
_CARD_COLUMNS = (
    Card.id.label("card_id"),
    Card.number,
    Card.contact_name,
    Card.contact_phone,
    Card.version,
    User.full_name,
    User.username,
)


def _driven_page(user, stage_id, filters, after, limit):
    """The page from the viewer's cards on the stage: found by (stage, person) in ix_cards_board and
    by card_stage_id among the responsibles, narrowed by the filters there; then their open tasks (a
    live card on a working stage has exactly one, on that stage), sorted; only the page's cards and
    assignees are read in full. As many rows as he has cards on the stage."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    visible = sorted(access.visible_set(user))
    wanted = (Card.stage_id == stage_id, *_card_conditions(None, filters))
    seen = union(
        *(
            select(Card.id.label("card_id")).where(*wanted, column.in_(visible)).correlate_except(Card)
            for column in Card.scope_people()
        ),
        select(CardResponsible.card_id)
        .join(Card, Card.id == CardResponsible.card_id)
        .where(CardResponsible.user_id.in_(visible), CardResponsible.card_stage_id == stage_id, *wanted)
        .correlate_except(CardResponsible, Card),
    )
    # Inside the board's LATERAL (PostgreSQL) the stage is the outer row's: LATERAL lets the union see it.
    seen = seen.lateral("seen") if postgres else seen.subquery("seen")
    conditions = [StageTask.closed_at.is_(None), StageTask.stage_id == stage_id]
    if filters.mine:
        conditions.append(StageTask.assignee_id == user.id)
    if after is not None:
        conditions.append(tuple_(StageTask.deadline, StageTask.id) > tuple_(*after))
    top = (
        select(*_TASK_COLUMNS, StageTask.subject_id.label("subject_id"))
        .select_from(
            seen.join(StageTask, and_(StageTask.subject_id == seen.c.card_id, StageTask.subject_type == "card"))
        )
        .where(*conditions)
        .order_by(StageTask.deadline, StageTask.id)
        .limit(limit)
    )
    top = top.correlate_except(StageTask, seen).lateral("top") if postgres else top.subquery("top")
    return (
        select(top.c.id, top.c.stage_id, top.c.deadline, top.c.assignee_id, *_CARD_COLUMNS)
        .select_from(
            top.join(Card, Card.id == top.c.subject_id).outerjoin(User.__table__, User.id == top.c.assignee_id)
        )
        .order_by(top.c.deadline, top.c.id)
    )


def _drives(seen, total, limit):
    """Whether the drive is cheaper: it reads the viewer's `seen` cards of the column, at about twice
    the cost of a walked row; the walk reads about `limit * total / seen` tasks."""
    return 2 * seen * seen < limit * max(total, 1)


_TOTALS_TTL = 30.0
_totals = {"at": float("-inf"), "counts": {}}


def _stage_totals():
    """Live cards per stage, everyone's, for the choice of plan only: kept for _TOTALS_TTL seconds."""
    now = monotonic()
    if now - _totals["at"] > _TOTALS_TTL:
        _totals.update(at=now, counts=counts(None))
    return _totals["counts"]


# (user id, filters, stage id) → (when, the viewer's count of the column), from his last counts in
# this process (the board page and its counts refresh): the column pages that follow pick their
# plan by it without counting again. Only the plan depends on it, never the rows.
_seen = {}
SEEN_TTL = 60.0
SEEN_KEPT = 50_000


def _remember_seen(user, filters, stage_ids, found):
    if len(_seen) > SEEN_KEPT:
        _seen.clear()
    now = monotonic()
    for stage_id in stage_ids:
        _seen[(user.id, filters, stage_id)] = (now, found.get(stage_id, 0))


def _remembered_seen(user, filters, stage_id):
    when, number = _seen.get((user.id, filters, stage_id), (float("-inf"), None))
    return number if monotonic() - when <= SEEN_TTL else None


def column(user, stage_id, filters=BoardFilters(), after=None, limit=PAGE_SIZE, seen_count=None):
    """One page of a column ordered by (deadline, task id); `after` is the last (deadline, id) seen.
    `seen_count`: the viewer's count of the column, which picks the plan; by default the one his
    last counts left (_remembered_seen), and the walk when there is none."""
    drive = False
    if access.has_narrow_scope(user):
        if seen_count is None:
            seen_count = _remembered_seen(user, filters, stage_id)
        drive = seen_count is not None and _drives(seen_count, _stage_totals().get(stage_id, 0), limit)
    return db.session.execute(_column_query(user, stage_id, filters, after, limit, drive=drive)).all()


def first_pages(user, stage_ids, filters=BoardFilters(), limit=PAGE_SIZE, seen_counts=None):
    """{stage_id: first page} for the whole board: on PostgreSQL the column page as a LATERAL
    subquery per stage, one query for the walked columns and one for the driven ones, so the scope
    is planned once, not once a column. SQLite has no LATERAL: there it is one query per column.
    `seen_counts`: the viewer's counts of the columns (services.card_board.counts), when known."""
    driven = []
    if access.has_narrow_scope(user):
        if seen_counts is None:
            seen_counts = counts(user, filters, stage_ids)
        totals = _stage_totals()
        driven = [s for s in stage_ids if _drives(seen_counts.get(s, 0), totals.get(s, 0), limit)]
    if db.session.get_bind().dialect.name != "postgresql":
        seen = seen_counts or {}
        return {
            stage_id: column(user, stage_id, filters, limit=limit, seen_count=seen.get(stage_id, 0))
            for stage_id in stage_ids
        }
    _no_jit()
    pages = {stage_id: [] for stage_id in stage_ids}
    walked = [stage_id for stage_id in stage_ids if stage_id not in driven]
    for group, drive in ((walked, False), (driven, True)):
        if not group:
            continue
        board = select(Stage.id.label("board_stage_id")).where(Stage.id.in_(group)).subquery("board")
        page = _column_query(user, board.c.board_stage_id, filters, None, limit, drive=drive).lateral("page")
        query = select(page).select_from(board.join(page, true()))
        query = query.order_by(page.c.stage_id, page.c.deadline, page.c.id)
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
