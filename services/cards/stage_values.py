"""What the cards keep of the values entered when a card leaves a stage (the engine's signals,
services/pipeline/signals.py): a money field that books (`books: top_up`) becomes one of the card's
transactions, with the bank's commission; the bank's positive answer date is what the profit report
counts by."""

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from models.cards.card import Card, Transaction
from services.cards.operations import CardError, parse_transaction
from services.pipeline import signals


def _bookings(stage, values):
    """[(field, raw transaction)] of the stage's booking fields that have an amount."""
    return [
        (field, {"type": field.books, "amount": values[field.name], "date": values.get(field.books_on)})
        for field in stage.fields
        if field.books and values.get(field.name)
    ]


def refuse_what_cannot_be_booked(card, stage, values):
    if not isinstance(card, Card):
        return {}
    errors = {}
    for field, raw in _bookings(stage, values):
        try:
            parse_transaction(card, raw)
        except CardError as error:
            errors[field.name] = error.errors.get("amount") or error.errors.get("type") or _("Check the amount.")
    return errors


def keep_stage_values(card, stage, values, by):
    if not isinstance(card, Card):
        return
    for _field, raw in _bookings(stage, values):
        db.session.add(Transaction(card_id=card.id, stage_id=stage.id, **parse_transaction(card, raw)))
    if values.get("answer_received") == "yes" and values.get("answer_date"):
        card.bank_answer_date = dt.date.fromisoformat(values["answer_date"])


def take_back_stage_values(card, stage, values, by, left=None):
    """An undone move: the transactions it booked go (the newest that match each booking), and the
    bank's answer date it set."""
    if not isinstance(card, Card):
        return
    for _field, raw in _bookings(stage, values):
        booked = parse_transaction(card, raw)
        match = db.session.scalars(
            select(Transaction)
            .where(
                Transaction.card_id == card.id,
                Transaction.stage_id == stage.id,
                Transaction.type == booked["type"],
                Transaction.amount == booked["amount"],
                Transaction.date == booked["date"],
            )
            .order_by(Transaction.id.desc())
            .limit(1)
        ).first()
        if match is not None:
            db.session.delete(match)
    if values.get("answer_received") == "yes" and values.get("answer_date"):
        card.bank_answer_date = None


def connect():
    signals.checking_values.connect(refuse_what_cannot_be_booked)
    signals.stage_left.connect(keep_stage_values)
    signals.move_undone.connect(take_back_stage_values)
