"""Cards: creation onto the pipeline, per-stage responsible people and money transactions."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.cards.card import CARDS_PIPELINE, COMMISSION_KINDS, ROLE_FIELDS, TRANSACTION_TYPES, Card, Transaction
from models.pipeline import Pipeline, StageResponsible
from models.platform.user import NamedPerson, User
from services import pipeline
from services.cards import card_numbers
from services.platform import access, database, dates, money, notifications, phones
from services.platform.errors import RefusedChange, parse_id

MAX_PERCENT = money.Decimal(100)
TYPE_LABELS = {"top_up": _l("Top-up"), "work_off": _l("Work-off"), "fee": _l("Fee"), "refund": _l("Refund")}
KIND_LABELS = {"percent": _l("Percent"), "fixed": _l("Fixed")}


class CardError(RefusedChange):
    """A refused change to a card."""


# --- creation and responsible people -------------------------------------------------------------


def cards_pipeline():
    return db.session.scalar(select(Pipeline).where(Pipeline.code == CARDS_PIPELINE))


def visible_card(user, card_id, *options):
    """The live card with this id if `user` may see it, else None (missing and hidden look alike).
    It is loaded by its key and the scope is asked of the loaded card (`access.in_scope`): as a
    SQL clause the scope's subqueries cost more to plan than the whole load. Its joins (the card's
    bank, supplier, people and stage) run in the order written: planning every order costs more."""
    query = select(Card).where(Card.id == card_id, Card.deleted_at.is_(None)).options(*options)
    card = db.session.scalar(database.joins_as_written(query))
    return card if card is not None and access.in_scope(user, card) else None


def place_on_pipeline(card, by=None):
    """A new card goes on the first stage of the cards pipeline with its first task."""
    with db.session.no_autoflush:
        board = cards_pipeline()
        first = board.stages[0]
    card.pipeline_id = board.id
    return pipeline.start(card, first, by=by)


def create(by=None, number="", **fields):
    """A new card with the full `number` typed (card_numbers.NumberError if it is none)."""
    if "contact_phone" in fields:
        fields["contact_phone"] = phones.normalized(fields["contact_phone"])
    card = Card(**fields)
    card_numbers.assign(card, number)
    db.session.add(card)
    place_on_pipeline(card, by=by)
    db.session.flush()
    return card


@dataclass
class ResponsibleRow:
    stage: pipeline.StageLabel
    default_user: User | None
    chosen_user: NamedPerson | None

    @property
    def chosen_id(self):
        return self.chosen_user.id if self.chosen_user else None


def chosen_responsibles(card_id):
    """{stage id: NamedPerson} of the card's own choices: one query of names, not the card's
    responsibles with their users and stages as objects."""
    rows = db.session.execute(
        select(StageResponsible.stage_id, User.id, User.full_name, User.username)
        .join(User, User.id == StageResponsible.user_id)
        .where(StageResponsible.subject_type == Card.__subject_type__, StageResponsible.subject_id == card_id)
    )
    return {row.stage_id: NamedPerson.of(row.id, row.full_name, row.username) for row in rows}


def responsible_rows(card):
    """Every working stage with the person by the stage's role and the card's own choice, if any."""
    chosen = chosen_responsibles(card.id)
    rows = []
    for stage in pipeline.stage_labels(CARDS_PIPELINE).values():
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
    current = {item.stage_id: item for item in card.responsibles}
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
        if stage_id in current and parse_id(value) == current[stage_id].user_id:
            continue  # kept as it was, even if that person has been blocked since
        user = db.session.get(User, parse_id(value)) if parse_id(value) else None
        if user is None or not user.is_active:
            errors[key] = _l("Choose an active person.")
        else:
            wanted[stage_id] = user.id
    if errors:
        raise CardError(_l("Check the chosen people."), errors=errors)
    handed = {user_id for stage_id, user_id in wanted.items()
              if user_id not in (None, by.id) and (stage_id not in current or current[stage_id].user_id != user_id)}  # fmt: skip
    for stage_id, user_id in wanted.items():
        if user_id is None and stage_id in current:
            card.responsibles.remove(current[stage_id])
        elif user_id is not None and stage_id in current:
            current[stage_id].user_id = user_id
        elif user_id is not None:
            card.choose_responsible(stage_id, user_id)
    db.session.flush()
    task = pipeline.open_task(card)
    if task is not None and task.stage_id in wanted:
        # The open task follows the person now responsible for its stage.
        task.assignee_id = card.responsible_for(card.stage)
    db.session.flush()
    notifications.notify(handed, "cards.handed", link=f"/admin/cards/details/?id={card.id}", exclude=by.id,
                         author=by.display_name, number=card.number)  # fmt: skip


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
    try:
        clean["date"] = dates.parse_date(raw.get("date"))
        if clean["date"] is None:
            errors["date"] = dates.FORMAT_MESSAGE
    except dates.DateError as error:
        errors["date"] = error.message
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
    db.session.flush()
    db.session.refresh(card, ["transactions"])
    return transaction


def remove_transaction(card, transaction_id, by):
    _check_transactions_allowed(card, by)
    transaction = next((t for t in card.transactions if t.id == transaction_id), None)
    if transaction is None:
        raise CardError(_l("There is no such transaction on this card."), status=404)
    db.session.delete(transaction)
    db.session.flush()
    db.session.refresh(card, ["transactions"])


def change_transactions(card, new_rows, removed_ids, by):
    """The transactions the card's edit form sends, applied with the card: `removed_ids` removed,
    `new_rows` (raw fields each) added; any refusal refuses them all (CardError)."""
    if not new_rows and not removed_ids:
        return
    _check_transactions_allowed(card, by)
    errors = {}
    for number, raw in enumerate(new_rows, start=1):
        try:
            parse_transaction(card, raw)
        except CardError as error:
            errors[f"new_{number}"] = _l(
                "New transaction %(number)s: %(problems)s",
                number=number,
                problems=" ".join(str(message) for message in error.errors.values()),
            )
    if errors:
        raise CardError(_l("Check the new transactions."), errors=errors)
    for transaction_id in removed_ids:
        remove_transaction(card, transaction_id, by)
    for raw in new_rows:
        add_transaction(card, raw, by)
