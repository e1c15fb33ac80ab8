"""Cards: creation onto the pipeline, per-stage responsible people, money transactions, and the
lists of the cards section (small tabs and the keyset-paged archive — never a COUNT)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import literal, null, select, union_all
from sqlalchemy.orm import aliased, selectinload

from extensions import db
from models.base import utcnow
from models.card import COMMISSION_KINDS, ROLE_FIELDS, TRANSACTION_TYPES, Card, CardResponsible, Transaction
from models.directory import Bank, Contractor
from models.pipeline import Pipeline, Stage
from models.user import User
from services import access, money, pipeline
from services.errors import RefusedChange, parse_id

BUCKETS = ("new", "in_work", "worked_off", "archive")
TAB_LIMIT = 1000
ARCHIVE_PAGE_SIZE = 50
MAX_PERCENT = money.Decimal(100)
TYPE_LABELS = {"top_up": _l("Top-up"), "work_off": _l("Work-off"), "fee": _l("Fee"), "refund": _l("Refund")}
KIND_LABELS = {"percent": _l("Percent"), "fixed": _l("Fixed")}


class CardError(RefusedChange):
    """A refused change to a card."""


# --- creation and responsible people -------------------------------------------------------------


def cards_pipeline():
    return db.session.scalar(select(Pipeline).where(Pipeline.code == "cards"))


def place_on_pipeline(card, by=None):
    """A new card goes on the first stage of the cards pipeline with its first task."""
    with db.session.no_autoflush:
        board = cards_pipeline()
        first = board.stages[0]
    card.pipeline_id = board.id
    return pipeline.start(card, first, by=by)


def create(by=None, **fields):
    card = Card(**fields)
    db.session.add(card)
    place_on_pipeline(card, by=by)
    db.session.commit()
    return card


def people_with_role(role_code):
    from models.user import Role

    return db.session.scalars(
        select(User)
        .join(Role, User.role_id == Role.id)
        .where(Role.code == role_code, User.deleted_at.is_(None), User.is_blocked.is_(False))
        .order_by(User.full_name, User.username)
    ).all()


def active_people():
    return db.session.scalars(
        select(User).where(User.deleted_at.is_(None), User.is_blocked.is_(False)).order_by(User.full_name)
    ).all()


@dataclass
class ResponsibleRow:
    stage: Stage
    default_user: User | None
    chosen_user: User | None

    @property
    def chosen_id(self):
        return self.chosen_user.id if self.chosen_user else None


def responsible_rows(card):
    """Every working stage with the person by the stage's role and the card's own choice, if any."""
    chosen = {item.stage_id: item.user for item in card.responsibles}
    rows = []
    for stage in db.session.get(Pipeline, card.pipeline_id).stages:
        if stage.is_final:
            continue
        field_name = ROLE_FIELDS.get(stage.responsible_role)
        default_user = getattr(card, field_name.removesuffix("_id")) if field_name else None
        rows.append(ResponsibleRow(stage, default_user, chosen.get(stage.id)))
    return rows


def set_responsibles(card, raw, by, expected_version):
    """`raw` maps "stage_<id>" to a user id ("" = back to the default by role)."""
    if not access.can(by, "cards.edit", card):
        raise CardError(_l("You may not change this card."), status=403)
    if expected_version is None or expected_version != card.version:
        raise CardError(_l("This card was changed by someone else — reload the page."), status=409)
    stages = {s.id: s for s in db.session.get(Pipeline, card.pipeline_id).stages if not s.is_final}
    wanted, errors = {}, {}
    for key, value in raw.items():
        if not key.startswith("stage_"):
            continue
        stage_id = parse_id(key[len("stage_") :])
        if stage_id not in stages:
            errors[key] = _l("Unknown stage.")
            continue
        if not (value or "").strip():
            wanted[stage_id] = None
            continue
        user = db.session.get(User, parse_id(value)) if parse_id(value) else None
        if user is None or not user.is_active:
            errors[key] = _l("Choose an active person.")
        else:
            wanted[stage_id] = user.id
    if errors:
        raise CardError(_l("Check the chosen people."), errors=errors)
    current = {item.stage_id: item for item in card.responsibles}
    for stage_id, user_id in wanted.items():
        if user_id is None and stage_id in current:
            card.responsibles.remove(current[stage_id])
        elif user_id is not None and stage_id in current:
            current[stage_id].user_id = user_id
        elif user_id is not None:
            card.responsibles.append(CardResponsible(stage_id=stage_id, user_id=user_id))
    db.session.flush()
    task = pipeline.open_task(card)
    if task is not None and task.stage_id in wanted:
        # The open task follows the person now responsible for its stage.
        task.assignee_id = card.responsible_for(card.stage)
    db.session.commit()


# --- transactions ---------------------------------------------------------------------------------


def commission_default(bank):
    """(kind, rate) a new transaction starts with: the bank's percent, else its fixed fee."""
    if bank is not None and bank.commission_percent and bank.commission_percent > 0:
        return "percent", money.round_money(bank.commission_percent)
    if bank is not None and bank.commission_fixed and bank.commission_fixed > 0:
        return "fixed", money.round_money(bank.commission_fixed)
    return "percent", money.round_money(0)


def transactions_open(card):
    return bool(card.stage and card.stage.transactions_allowed)


def may_edit_transactions(user, card):
    return transactions_open(card) and access.can(user, "transactions.edit", card)


def _check_transactions_allowed(card, by):
    if not access.can(by, "transactions.edit", card):
        raise CardError(_l("You may not change the transactions of this card."), status=403)
    if not transactions_open(card):
        raise CardError(_l("Transactions cannot be changed in the card's current stage."), status=403)


def parse_transaction(card, raw):
    """Clean values of a new transaction, or CardError(400) with a message per input."""
    errors, clean = {}, {}
    text = (raw.get("date") or "").strip()
    try:
        clean["date"] = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        clean["date"] = None
    if clean["date"] is None or not date(2000, 1, 1) <= clean["date"] <= date(2100, 12, 31):
        errors["date"] = _l("Enter a date as YYYY-MM-DD.")
    clean["type"] = (raw.get("type") or "").strip()
    if clean["type"] not in TRANSACTION_TYPES:
        errors["type"] = _l("Choose a transaction type.")
    try:
        clean["amount"] = money.parse_money(raw.get("amount"))
        if clean["amount"] <= 0:
            errors["amount"] = _l("The amount must be above zero.")
    except money.MoneyError:
        errors["amount"] = _l("Enter an amount, e.g. 1250.50.")
    default_kind, default_rate = commission_default(card.bank)
    clean["commission_kind"] = (raw.get("commission_kind") or "").strip() or default_kind
    if clean["commission_kind"] not in COMMISSION_KINDS:
        errors["commission_kind"] = _l("Choose percent or a fixed sum.")
    rate_text = raw.get("commission_rate")
    try:
        clean["commission_rate"] = money.parse_money(rate_text) if (rate_text or "").strip() else default_rate
        if clean["commission_kind"] == "percent" and clean["commission_rate"] > MAX_PERCENT:
            errors["commission_rate"] = _l("A percent is at most 100.")
    except money.MoneyError:
        errors["commission_rate"] = _l("Enter a rate, e.g. 1.5.")
    clean["note"] = (raw.get("note") or "").strip() or None
    if clean["note"] and len(clean["note"]) > 255:
        errors["note"] = _l("At most 255 characters.")
    if errors:
        raise CardError(_l("Check the transaction."), errors=errors)
    clean["commission"] = money.commission_of(clean["amount"], clean["commission_kind"], clean["commission_rate"])
    return clean


def add_transaction(card, raw, by):
    _check_transactions_allowed(card, by)
    clean = parse_transaction(card, raw)
    transaction = Transaction(card_id=card.id, stage_id=card.stage_id, **clean)
    db.session.add(transaction)
    db.session.commit()
    db.session.refresh(card, ["transactions"])
    return transaction


def remove_transaction(card, transaction_id, by):
    _check_transactions_allowed(card, by)
    transaction = next((t for t in card.transactions if t.id == transaction_id), None)
    if transaction is None:
        raise CardError(_l("There is no such transaction on this card."), status=404)
    db.session.delete(transaction)
    db.session.commit()
    db.session.refresh(card, ["transactions"])


# --- lists ---------------------------------------------------------------------------------------


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


def _rows_query(user, bucket):
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


def _row(r):
    return CardRow(
        r[0], r[1], r[2] or "", r[3] or "", r[4] or "", r[5] or "", r[6] or r[7] or "", r[8] or r[9] or "",
        r[10] or r[11] or "", r[12], r[13],
    )  # fmt: skip


def tab_rows(user, bucket, limit=TAB_LIMIT):
    """Up to `limit` newest cards of a small tab and whether there are more."""
    rows = db.session.execute(_rows_query(user, bucket).limit(limit + 1)).all()
    return [_row(r) for r in rows[:limit]], len(rows) > limit


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


def _like_escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
    query = select(*_CARD_COLUMNS).where(Card.bucket == "archive", Card.deleted_at.is_(None)).order_by(Card.id.desc())
    query = access.scope(user, query, Card)
    if filters.number:
        # A prefix (the exact number included): the number's unique b-tree index serves it.
        query = query.where(Card.number.like(_like_escape(filters.number) + "%", escape="\\"))
    if filters.contact:
        # ILIKE on PostgreSQL is served by the trigram indexes of both columns.
        pattern = "%" + _like_escape(filters.contact) + "%"
        query = query.where(
            Card.contact_name.ilike(pattern, escape="\\") | Card.contact_phone.ilike(pattern, escape="\\")
        )
    for attr in ArchiveFilters.ID_ARGS.values():
        value = getattr(filters, attr)
        if value is not None:
            query = query.where(getattr(Card, attr) == value)
    if filters.after is not None:
        query = query.where(Card.id < filters.after)
    rows = db.session.execute(query.limit(page_size + 1)).all()
    has_next = len(rows) > page_size
    rows = _named_rows(rows[:page_size])
    return rows, (rows[-1].id if has_next else None)


def stages_by_id(pipeline_id=None):
    """{stage id: stage} for the lists' stage badges: names and colours, so the stages' modal fields
    and moves (selectin by default: two more queries) are left to load only if something reads them."""
    loads = (selectinload(Pipeline.stages).lazyload(Stage.fields), selectinload(Pipeline.stages).lazyload(Stage.moves))
    if pipeline_id:
        board = db.session.get(Pipeline, pipeline_id, options=loads)
    else:
        board = db.session.scalar(select(Pipeline).where(Pipeline.code == "cards").options(*loads))
    return {stage.id: stage for stage in board.stages} if board else {}
