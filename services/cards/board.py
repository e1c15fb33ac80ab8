"""The cards task tracker: column counts in one grouped query, column pages by keyset, all
narrowed by the access scope and the board's filters. No query per card."""

from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from models.cards.card import CARDS_PIPELINE
from models.pipeline import Pipeline
from services.cards import board_statements as statements
from services.platform import access, cache, database
from services.platform.cursors import cursor_text, parse_cursor  # noqa: F401 (the column's `after=`, for the view)
from services.platform.errors import parse_id

# A column opens with its first FIRST_PAGE_SIZE tasks (about two screens of it) and scrolls on in
# pages of PAGE_SIZE: the board page carries a first page of every column, most never scrolled.
FIRST_PAGE_SIZE = 20
PAGE_SIZE = 50
SEARCH_MAX = 64


@dataclass(frozen=True)
class BoardFilters:
    mine: bool = False
    agent_id: int | None = None
    manager_id: int | None = None
    bank_id: int | None = None
    q: str = ""  # the search box: a part of the number, the contact's name or phone

    @classmethod
    def from_args(cls, args):
        def number(name):
            return parse_id(args.get(name))

        return cls(
            mine=args.get("mine") == "1",
            agent_id=number("agent"),
            manager_id=number("manager"),
            bank_id=number("bank"),
            q=" ".join((args.get("q") or "").split())[:SEARCH_MAX],
        )

    def as_args(self):
        args = {
            "mine": "1" if self.mine else None,
            "agent": self.agent_id,
            "manager": self.manager_id,
            "bank": self.bank_id,
            "q": self.q,
        }
        return {k: v for k, v in args.items() if v}


def cards_pipeline(*options):
    return db.session.scalar(select(Pipeline).where(Pipeline.code == CARDS_PIPELINE).options(*options))


def counts(user, filters=BoardFilters(), stage_ids=None):
    """{stage_id: live cards}, stages with none left out; user None means unscoped (for the
    all-seeing board room). `stage_ids`: the board's working stages, when the caller has them.

    A card on a non-final stage has exactly one open task, on that stage (the engine closes one
    and opens the next in the same transaction), so cards are counted by their stage. Without a
    bank filter the count is a SUM over the trigger-kept counters (models.pipeline.subject.StageCount);
    "mine" joins the open tasks; a bank filter counts the cards (services.cards.board_statements)."""
    shape = statements.shape_of(user, filters)
    listed = stage_ids is not None
    if shape.mine:
        query = statements.kept(statements.my_counts, shape)
    elif shape.bank or shape.search:  # what the counters do not carry: the cards are counted
        query = statements.kept(statements.bank_counts, shape)
        if not listed:
            stage_ids = db.session.scalars(statements.board_stages()).all()
    elif shape.scope == "none":
        return {}
    else:
        on_postgres = database.on_postgresql()
        query = statements.kept(statements.counter_counts, shape, listed, on_postgres)
    params = statements.params_of(user, filters, stage_ids=list(stage_ids) if stage_ids is not None else None)
    result = {}
    for stage_id, number in db.session.execute(query, params):
        result[stage_id] = result.get(stage_id, 0) + int(number)
    found = {stage_id: number for stage_id, number in result.items() if number}
    if access.has_narrow_scope(user):
        _remember_seen(user, filters, stage_ids if listed else found, found)
    return found


def _drives(seen, total, limit):
    """Whether the drive is cheaper: it reads the viewer's `seen` cards of the column and looks up
    each one's open task, at about eight times the cost of a walked row (an entry of
    ix_stage_tasks_open_people); the walk reads about `limit * total / seen` of those."""
    return 8 * seen * seen < limit * max(total, 1)


_TOTALS_TTL = 30.0


def _stage_totals():
    """Live cards per stage, everyone's, for the choice of plan only: kept for _TOTALS_TTL seconds."""
    return cache.per_time("live cards per stage", _TOTALS_TTL, lambda: counts(None))


# (user id, filters, stage id) → (when, the viewer's count of the column), from his last counts in
# this process (the board page and its counts refresh): the column pages that follow pick their
# plan by it without counting again. Only the plan depends on it, never the rows.
SEEN_TTL = 60.0
SEEN_KEPT = 50_000
_seen = cache.timed("viewers' column counts", limit=SEEN_KEPT)


def _remember_seen(user, filters, stage_ids, found):
    for stage_id in stage_ids:
        _seen.keep((user.id, filters, stage_id), found.get(stage_id, 0))


def _remembered_seen(user, filters, stage_id):
    return _seen.recent((user.id, filters, stage_id), SEEN_TTL)


def column(user, stage_id, filters=BoardFilters(), after=None, limit=PAGE_SIZE, seen_count=None):
    """One page of a column ordered by (deadline, task id); `after` is the last (deadline, id) seen.
    `seen_count`: the viewer's count of the column, which picks the plan; by default the one his
    last counts left (_remembered_seen), and the walk when there is none.

    The walk reads the stage's open tasks in that order and keeps those the viewer may see; the
    drive reads his own cards of the stage instead (services.cards.board_statements)."""
    drive = False
    if access.has_narrow_scope(user):
        if seen_count is None:
            seen_count = _remembered_seen(user, filters, stage_id)
        drive = seen_count is not None and _drives(seen_count, _stage_totals().get(stage_id, 0), limit)
    shape, on_postgres = statements.shape_of(user, filters), database.on_postgresql()
    query = statements.kept(statements.column_page, shape, after is not None, limit, drive, on_postgres)
    values = {"stage_id": stage_id}
    if after is not None:
        values.update(after_deadline=after[0], after_id=after[1])
    return db.session.execute(query, statements.params_of(user, filters, **values)).all()


def first_pages(user, stage_ids, filters=BoardFilters(), limit=FIRST_PAGE_SIZE, seen_counts=None):
    """{stage_id: first page} for the whole board: on PostgreSQL the column page as a LATERAL
    subquery per stage, one query for the walked columns and one for the driven ones, so the scope
    is planned once, not once a column. SQLite has no LATERAL: there it is one query per column.
    `seen_counts`: the viewer's counts of the columns (services.cards.board.counts), when known."""
    driven = []
    if access.has_narrow_scope(user):
        if seen_counts is None:
            seen_counts = counts(user, filters, stage_ids)
        totals = _stage_totals()
        driven = [s for s in stage_ids if _drives(seen_counts.get(s, 0), totals.get(s, 0), limit)]
    if not database.on_postgresql():
        seen = seen_counts or {}
        return {
            stage_id: column(user, stage_id, filters, limit=limit, seen_count=seen.get(stage_id, 0))
            for stage_id in stage_ids
        }
    pages = {stage_id: [] for stage_id in stage_ids}
    walked = [stage_id for stage_id in stage_ids if stage_id not in driven]
    shape = statements.shape_of(user, filters)
    for group, drive in ((walked, False), (driven, True)):
        if not group:
            continue
        query = statements.kept(statements.board_pages, shape, limit, drive)
        for row in db.session.execute(query, statements.params_of(user, filters, group=group)):
            pages[row.stage_id].append(row)
    return pages


def cursor_of(row):
    return cursor_text(row.deadline, row.id)


def page_limit(after):
    """How many tasks a column page holds: the first one FIRST_PAGE_SIZE, those `after` a cursor PAGE_SIZE."""
    return FIRST_PAGE_SIZE if after is None else PAGE_SIZE


def next_cursor(rows, limit):
    """The cursor of the page after `rows`, or None when `rows` (asked for `limit`) was the last."""
    return cursor_of(rows[-1]) if rows and len(rows) == limit else None
