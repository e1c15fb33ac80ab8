"""The cards' money book (services/platform/money_books.py), which the financial report sums: the
work-off of a card's transactions by their date, and a card's profit on the day of the bank's answer,
both attributed to the card's bank and agent as they are now; soft-deleted cards count nowhere."""

from sqlalchemy import Numeric, String, case, func, inspect, literal_column, select, union_all

from models.cards.card import Card, Transaction
from models.cards.directory import Bank
from services.platform.money import SIGN
from services.platform.money_books import MoneyBook, register

CARD_FIELDS = ("bank_id", "agent_id", "bank_answer_date", "deleted_at")
TRANSACTION_FIELDS = ("card_id", "date", "type", "amount", "commission")
CHUNK = 500
SUM = Numeric(18, 2)


def cells(card_ids=None):
    """Cells (day, kind, bank_id, agent_id, amount, count) straight from cards and transactions."""
    t, c = Transaction.__table__, Card.__table__
    bank, agent = func.coalesce(c.c.bank_id, 0), func.coalesce(c.c.agent_id, 0)
    incoming = [k for k, sign in SIGN.items() if sign > 0]
    outgoing = [k for k, sign in SIGN.items() if sign < 0]
    signed = case((t.c.type.in_(incoming), t.c.amount), (t.c.type.in_(outgoing), -t.c.amount), else_=0)
    work = (
        select(
            t.c.date.label("day"),
            literal_column("'work_off'", String).label("kind"),
            bank.label("bank_id"),
            agent.label("agent_id"),
            func.sum(t.c.amount, type_=SUM).label("amount"),
            func.count().label("count"),
        )
        .select_from(t.join(c, c.c.id == t.c.card_id))
        .where(t.c.type == "work_off", c.c.deleted_at.is_(None))
        .group_by(t.c.date, bank, agent)
    )
    profit = (
        select(
            c.c.bank_answer_date.label("day"),
            literal_column("'profit'", String).label("kind"),
            bank.label("bank_id"),
            agent.label("agent_id"),
            func.coalesce(func.sum(signed - t.c.commission, type_=SUM), 0, type_=SUM).label("amount"),
            func.count(c.c.id.distinct()).label("count"),
        )
        .select_from(c.outerjoin(t, t.c.card_id == c.c.id))
        .where(c.c.bank_answer_date.is_not(None), c.c.deleted_at.is_(None))
        .group_by(c.c.bank_answer_date, bank, agent)
    )
    if card_ids is not None:
        work = work.where(c.c.id.in_(card_ids))
        profit = profit.where(c.c.id.in_(card_ids))
    return union_all(work, profit)


def _changed(obj, names):
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def touched(session):
    """(card ids, pending objects) of what the coming flush changes of cards' money."""
    pending, card_ids, transaction_ids = [], set(), []
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Transaction):
                pending.append(obj)
                card_ids.add(obj.card_id if obj.card_id is not None else getattr(obj.card, "id", None))
            elif isinstance(obj, Card) and obj.bank_answer_date is not None:
                pending.append(obj)
        for obj in session.dirty:
            if isinstance(obj, Card) and _changed(obj, CARD_FIELDS):
                pending.append(obj)
                card_ids.add(obj.id)
            elif isinstance(obj, Transaction) and _changed(obj, TRANSACTION_FIELDS):
                pending.append(obj)
                transaction_ids.append(obj.id)
        for obj in session.deleted:
            if isinstance(obj, Card):
                card_ids.add(obj.id)
            elif isinstance(obj, Transaction):
                transaction_ids.append(obj.id)
    if transaction_ids:
        t = Transaction.__table__
        connection = session.connection()
        for start in range(0, len(transaction_ids), CHUNK):
            chunk = transaction_ids[start : start + CHUNK]
            card_ids.update(connection.execute(select(t.c.card_id).where(t.c.id.in_(chunk))).scalars())
    card_ids.discard(None)
    return card_ids, pending


def keys_after(pending):
    return {obj.card_id if isinstance(obj, Transaction) else obj.id for obj in pending} - {None}


def lock(connection, card_ids):
    """Two transactions changing one card's money apply their differences one after the other."""
    if not card_ids or connection.dialect.name != "postgresql":
        return
    c = Card.__table__
    ids = sorted(card_ids)
    for start in range(0, len(ids), CHUNK):
        query = select(c.c.id).where(c.c.id.in_(ids[start : start + CHUNK])).order_by(c.c.id).with_for_update()
        connection.execute(query).all()


def bank_names(session, ids):
    return dict(session.execute(select(Bank.id, Bank.name).where(Bank.id.in_(ids))).all())


BOOK = MoneyBook(touched=touched, keys_after=keys_after, lock=lock, cells=cells, bank_names=bank_names)


def register_book():
    register(BOOK)
