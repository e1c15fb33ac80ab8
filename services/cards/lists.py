"""The lists of the cards section: the small tabs (searched in the browser) and the keyset-paged,
server-filtered archive — never a COUNT."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, literal, null, or_, select, text, union, union_all
from sqlalchemy.orm import aliased

from extensions import db
from models.base import utcnow
from models.cards.card import CARDS_PIPELINE, Card
from models.cards.directory import Bank, Contractor
from models.pipeline import StageCount
from models.platform.user import User
from services import pipeline
from services.cards import board as card_board
from services.cards import card_numbers, search
from services.platform import access, cache, database
from services.platform.errors import parse_id

BUCKETS = ("new", "in_work", "worked_off", "archive")
TAB_LIMIT = 1000
ARCHIVE_PAGE_SIZE = 50
CONTACT_WALK = 20_000  # archived cards a contact search tests newest-first before using its index


@dataclass(frozen=True)
class CardRow:
    id: int
    number: str
    contact_name: str
    contact_phone: str
    bank: str
    supplier: str
    agent: str
    manager: str
    accountant: str
    stage_id: int
    stage_entered_at: datetime

    def days_in_stage(self, now=None):
        return max(((now or utcnow()) - self.stage_entered_at).days, 0)


def rows_query(user, bucket):
    agent, manager, accountant = aliased(User), aliased(User), aliased(User)
    query = (
        select(
            Card.id,
            Card.number,
            Card.contact_name,
            Card.contact_phone,
            Bank.name,
            Contractor.name,
            agent.full_name,
            agent.username,
            manager.full_name,
            manager.username,
            accountant.full_name,
            accountant.username,
            Card.stage_id,
            Card.stage_entered_at,
        )
        .outerjoin(Bank, Bank.id == Card.bank_id)
        .outerjoin(Contractor, Contractor.id == Card.contractor_id)
        .outerjoin(agent, agent.id == Card.agent_id)
        .outerjoin(manager, manager.id == Card.manager_id)
        .outerjoin(accountant, accountant.id == Card.accountant_id)
        .where(Card.bucket == bucket, Card.deleted_at.is_(None))
        .order_by(Card.id.desc())
    )
    return access.scope(user, query, Card)


def row_of(r):
    return CardRow(
        r[0], r[1], r[2] or "", r[3] or "", r[4] or "", r[5] or "", r[6] or r[7] or "", r[8] or r[9] or "",
        r[10] or r[11] or "", r[12], r[13],
    )  # fmt: skip


def tab_rows(user, bucket, limit=TAB_LIMIT):
    """Up to `limit` newest cards of a small tab and whether there are more."""
    rows = db.session.execute(rows_query(user, bucket).limit(limit + 1)).all()
    return [row_of(r) for r in rows[:limit]], len(rows) > limit


@dataclass(frozen=True)
class ArchiveFilters:
    number: str = ""
    contact: str = ""
    bank_id: int | None = None
    contractor_id: int | None = None
    agent_id: int | None = None
    manager_id: int | None = None
    accountant_id: int | None = None
    after: int | None = None
    errors: dict = field(default_factory=dict, compare=False)

    ID_ARGS = {
        "bank": "bank_id",
        "supplier": "contractor_id",
        "agent": "agent_id",
        "manager": "manager_id",
        "accountant": "accountant_id",
    }

    @classmethod
    def from_args(cls, args):
        """Filters from the query string; anything malformed lands in `errors` (a 400 for the view)."""
        values, errors = {}, {}
        for name, limit in (("number", 32), ("contact", 160)):
            text = (args.get(name) or "").strip()
            if len(text) > limit:
                errors[name] = _l("At most %(count)s characters.", count=limit)
            else:
                values[name] = text
        for arg, attr in {**cls.ID_ARGS, "after": "after"}.items():
            text = (args.get(arg) or "").strip()
            if text and parse_id(text) is None:
                errors[arg] = _l("Not a valid choice.")
            else:
                values[attr] = parse_id(text)
        return cls(**values, errors=errors)

    def as_args(self, **extra):
        args = {"tab": "archive", "number": self.number, "contact": self.contact}
        args.update({arg: getattr(self, attr) for arg, attr in self.ID_ARGS.items()})
        args.update(extra)
        return {k: v for k, v in args.items() if v}


_CARD_COLUMNS = (
    Card.id,
    Card.number,
    Card.contact_name,
    Card.contact_phone,
    Card.bank_id,
    Card.contractor_id,
    Card.agent_id,
    Card.manager_id,
    Card.accountant_id,
    Card.stage_id,
    Card.stage_entered_at,
)


def _named_rows(rows):
    """CardRows for rows of _CARD_COLUMNS: the names of their banks, suppliers and people from one
    small query by id. (Five joins on the page query cost more to plan than the page takes to run.)"""
    banks = {r.bank_id for r in rows if r.bank_id is not None}
    suppliers = {r.contractor_id for r in rows if r.contractor_id is not None}
    people = {i for r in rows for i in (r.agent_id, r.manager_id, r.accountant_id) if i is not None}
    parts = []
    if banks:
        parts.append(select(literal("bank"), Bank.id, Bank.name, null()).where(Bank.id.in_(banks)))
    if suppliers:
        parts.append(
            select(literal("supplier"), Contractor.id, Contractor.name, null()).where(Contractor.id.in_(suppliers))
        )
    if people:
        parts.append(select(literal("user"), User.id, User.full_name, User.username).where(User.id.in_(people)))
    names = {}
    if parts:
        for kind, key, name, username in db.session.execute(union_all(*parts)):
            names[(kind, key)] = name or username or ""

    def name(kind, key):
        return names.get((kind, key), "") if key is not None else ""

    return [
        CardRow(
            r.id,
            r.number,
            r.contact_name or "",
            r.contact_phone or "",
            name("bank", r.bank_id),
            name("supplier", r.contractor_id),
            name("user", r.agent_id),
            name("user", r.manager_id),
            name("user", r.accountant_id),
            r.stage_id,
            r.stage_entered_at,
        )  # fmt: skip
        for r in rows
    ]


def archive_page(user, filters, page_size=ARCHIVE_PAGE_SIZE):
    """One page of archived cards, newest first, after the id `filters.after`; (rows, next_after).
    LIMIT page_size + 1 tells whether there is a next page: never a COUNT over the archive. The
    newest-first order is served by the partial index ix_cards_archive_id (or a filter's own index)."""
    query = select(*_CARD_COLUMNS).where(Card.bucket == "archive", Card.deleted_at.is_(None))
    if filters.number:
        # Any run of the digits shown, or the full number by its hash (card_numbers.matching); a term
        # that is no number's part finds nothing.
        condition = card_numbers.matching(filters.number)
        query = query.where(condition if condition is not None else false())
    if filters.contact:
        # ILIKE on PostgreSQL is served by the trigram indexes of both columns; a phone is looked for
        # in its stored form (services.platform.phones), however it was typed.
        name, phone = search.contact_patterns(filters.contact)
        query = query.where(Card.contact_name.ilike(name, escape="\\") | Card.contact_phone.ilike(phone, escape="\\"))
    for attr in ArchiveFilters.ID_ARGS.values():
        value = getattr(filters, attr)
        if value is not None:
            query = query.where(getattr(Card, attr) == value)
    if filters.after is not None:
        query = query.where(Card.id < filters.after)
    rare = bool(filters.contact) and _rare_contact(filters.contact)
    if _by_someone_unseen(user, filters, page_size + 1) or (not rare and _contact_in_narrow_scope(user, filters)):
        rows = _scope_branch_rows(user, filters, query, page_size + 1)
    else:
        if not _scope_implied(user, filters):
            query = access.scope(user, query, Card)
        if filters.contact:
            rows = _contact_rows(query, filters.after, page_size + 1, rare)
        elif _few_numbers(filters.number):
            by_trigrams = query.order_by((Card.id + 0).desc()).limit(page_size + 1)
            rows = db.session.execute(by_trigrams.execution_options(**_FOR_ITS_VALUES)).all()
        else:
            rows = db.session.execute(query.order_by(Card.id.desc()).limit(page_size + 1)).all()
    has_next = len(rows) > page_size
    rows = _named_rows(rows[:page_size])
    return rows, (rows[-1].id if has_next else None)


_PEOPLE_FILTERS = {column.key: column for column in Card.scope_people()}  # agent_id, manager_id, accountant_id


def _filtered_people(filters):
    return [person for person in (getattr(filters, attr) for attr in _PEOPLE_FILTERS) if person is not None]


def _scope_implied(user, filters):
    """True when the filter keeps only cards the user sees anyway: their agent, manager or
    accountant is one of his people (Card.scope_clause). Without the scope's OR of subqueries the
    planner reads that person's cards newest-first instead of testing the archive row by row."""
    people = _filtered_people(filters)
    if not people or access.scope_level(user) == "all":
        return False
    visible = access.visible_set(user)
    return any(person in visible for person in people)


def _by_someone_unseen(user, filters, limit):
    """A scoped viewer's filter by a person outside his scope (and no number or contact) who shares
    few cards with the viewer's people: he sees that person's cards only where one of his people is
    another of the card's people."""
    if filters.number or filters.contact or not _filtered_people(filters):
        return False
    # Anyone else takes the plain path: everything, or (signed out, blocked) nothing.
    if not access.has_narrow_scope(user) or _scope_implied(user, filters):
        return False
    seen, archived = _seen_of_filtered(user, filters)
    return _branches_cheaper(seen, archived, limit)


def _branches_cheaper(seen, archived, limit):
    """Whether _scope_branch_rows costs less than the newest-first walk of the plain path. The
    branches read every archived card of the filtered person that the viewer sees (`seen`), in each
    branch that holds it (a bitmap heap fetch, then a sort: about eight times a walked row); the walk
    tests archived cards newest-first until `limit` of them match in his scope, about limit × archived / seen.
    On the bench's 1.1 M cards, an agent of another team shares no cards with manager01's team
    (seen ~0: a page 16 ms by branches, 150 ms by the walk); an accountant works for every team,
    36,700 of her 166,000 archived cards are his (250 ms by branches; the walk tests ~1,100 rows, 5 ms)."""
    return 8 * seen * seen < limit * max(archived, 1)


_filtered_seen = cache.timed("viewers' archived cards of filtered people", limit=10_000)


def _seen_of_filtered(user, filters):
    """(The filtered people's archived cards whose agent, manager or accountant the viewer sees, all
    archived cards), from the trigger-kept counters; kept a minute. The cards seen only through a
    stage's chosen person are not counted (few, and only the plan depends on it)."""

    def load():
        slots = dict(zip(_PEOPLE_FILTERS, StageCount.people(), strict=False))
        visible = sorted(access.visible_set(user))
        filtered = [slots[attr] == person for attr, person in people.items() if person is not None]
        in_scope = or_(*(slot.in_(visible) for slot in StageCount.people()))
        seen = case((and_(*filtered, in_scope), StageCount.subjects), else_=0)
        archive = [stage.id for stage in pipeline.stage_labels(CARDS_PIPELINE).values() if stage.bucket == "archive"]
        statement = select(func.sum(seen), func.sum(StageCount.subjects)).where(StageCount.stage_id.in_(archive))
        seen_count, archived = db.session.execute(statement).one()
        return int(seen_count or 0), int(archived or 0)

    people = {attr: getattr(filters, attr) for attr in _PEOPLE_FILTERS}
    return _filtered_seen.recent_or_load((user.id, *people.values()), _SHARE_TTL, load)


def _contact_in_narrow_scope(user, filters):
    """A search for a common contact by a viewer who sees little of the archive (and no filter by
    one of his people). Newest-first, the walk of _contact_rows serves a common name only where the
    viewer sees much of the archive: an agent sees ~2-5 % of it, so the walk found ~10-40 matches
    in its 20,000 rows and the trigram step then read every card with that name (~27,000 rows,
    100-140 ms for agent01 and a first name). A manager's 20 % fills the page in the walk (15 ms)."""
    if not filters.contact or not access.has_narrow_scope(user):
        return False
    return not _scope_implied(user, filters) and _archive_share(user) < NARROW_ARCHIVE_SHARE


NARROW_ARCHIVE_SHARE = 0.10
_SHARE_TTL = 60.0
_shares = cache.timed("viewers' shares of the archive", limit=10_000)  # only the plan depends on them


def _archive_share(user):
    """The viewer's archived cards over everyone's, from the trigger-kept counters; kept a minute."""

    def load():
        archive = [stage.id for stage in pipeline.stage_labels().values() if stage.bucket == "archive"]
        everyone = sum(card_board.counts(None, stage_ids=archive).values())
        return sum(card_board.counts(user, stage_ids=archive).values()) / max(everyone, 1)

    return _shares.recent_or_load(user.id, _SHARE_TTL, load)


def _scope_branch_rows(user, filters, query, limit):
    """The page of _by_someone_unseen or _contact_in_narrow_scope, `query` being the filtered one
    without the scope: the scope (Card.scope_clause) as a UNION of its branches, each a bitmap AND
    of the filter's index (the person's, or the contact's trigrams) and the viewer's people's, or
    the responsibles by id, sorted. Newest-first, the planner walks all of the filtered person's
    archived cards (~20,000 for an agent) testing each against the scope's OR of subqueries, only
    to find few or none: 200 ms for a manager here, seconds when the cards are not in memory. The
    branches cost as many rows as the viewer may see of them."""
    visible = sorted(access.visible_set(user))
    branches = [
        query.where(column.in_(visible))
        for attr, column in _PEOPLE_FILTERS.items()
        if getattr(filters, attr) is None  # the filtered person is not one of his people
    ]
    responsible = Card.responsible_ids(visible)
    branches.append(query.where(Card.id.in_(responsible)))
    # "id + 0": no branch walks an id index; each takes its rows from bitmaps and sorts them.
    pages = [select(b.order_by((Card.id + 0).desc()).limit(limit).subquery()) for b in branches]
    seen = union(*pages).subquery("seen")
    page = select(seen).order_by(seen.c.id.desc()).limit(limit)
    return db.session.execute(page.execution_options(**_FOR_ITS_VALUES)).all()


def _few_numbers(term):
    """Whether a number filter holds three digits or more: few cards share them (a last four about
    one card in 10,000), and the trigram index of the digits shown finds those cards at once, where
    newest-first the planner would test the archive row by row."""
    compact = card_numbers.searched(term) or ""
    return sum(ch.isdigit() for ch in compact) >= 3


def _rare_contact(term):
    """Whether so few cards hold `term` that its trigram index serves the search best: reading all
    of them costs less than walking the archive for a page of them. A surname matches ~3,000 cards
    of 1.1 M (10-15 ms through the index, 20-45 ms of walk); a first name ~25,000 (80-90 ms
    through the index, 10-20 ms of walk for a manager). Two words or more ("Юрій Олійнук") are rare;
    for one, PostgreSQL's estimate from the columns' statistics tells (surnames 220-11,000 rows,
    first names 22,000-67,000), at the cost of planning one small statement."""
    if len([word for word in term.split() if len(word) >= 2]) >= 2:
        return True
    if not database.on_postgresql():
        return False
    name, phone = search.contact_patterns(term)
    plan = db.session.execute(_ESTIMATE.execution_options(**_FOR_ITS_VALUES), {"p": name, "q": phone}).scalar()
    return plan[0]["Plan"]["Plan Rows"] <= RARE_CONTACT_ROWS  # psycopg reads EXPLAIN's json as lists


RARE_CONTACT_ROWS = 15_000
_ESTIMATE = text(
    "EXPLAIN (FORMAT JSON) SELECT 1 FROM cards"
    " WHERE contact_name ILIKE :p ESCAPE '\\' OR contact_phone ILIKE :q ESCAPE '\\'"
)
_FOR_ITS_VALUES = {database.CUSTOM_PLAN: True}


def _contact_rows(query, after, limit, rare=False):
    """The newest `limit` rows of a contact search, in two bounded steps. The planner cannot tell
    how rare a substring is: newest-first, it walks the archive's id index testing every row, which
    for a rare name in a manager's scope meant ~80,000 rows (120 ms idle, seconds under load). A
    `rare` term (_rare_contact) takes the trigram index alone. Any other: first the newest
    CONTACT_WALK archived cards only (a common name fills the page there); then, if the page is not
    full, the older ones through the trigram index (ordered by an expression, so that no id index is
    walked), which costs as many rows as the name matches."""
    if rare:
        by_trigrams = query.order_by((Card.id + 0).desc()).limit(limit)
        return db.session.execute(by_trigrams.execution_options(**_FOR_ITS_VALUES)).all()
    window = select(Card.id).where(Card.bucket == "archive", Card.deleted_at.is_(None))
    if after is not None:
        window = window.where(Card.id < after)
    floor = db.session.scalar(window.order_by(Card.id.desc()).offset(CONTACT_WALK).limit(1))
    if floor is None:  # fewer archived cards than the window: the walk is short anyway
        return db.session.execute(query.order_by(Card.id.desc()).limit(limit)).all()
    rows = db.session.execute(query.where(Card.id > floor).order_by(Card.id.desc()).limit(limit)).all()
    if len(rows) < limit:
        older = query.where(Card.id <= floor).order_by((Card.id + 0).desc()).limit(limit - len(rows))
        rows += db.session.execute(older.execution_options(**_FOR_ITS_VALUES)).all()
    return rows
