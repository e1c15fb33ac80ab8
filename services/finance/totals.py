"""The financial report's kept totals (models/finance/totals.py) and the ledger they sum.

The report reads pre-aggregated cells (models/finance/totals.py), kept exact by one session hook: before a
flush it reads the ledger contribution of every card the flush touches, after the flush it reads it
again and adds the difference with race-safe upserts (ON CONFLICT … amount = amount + excluded),
in the same transaction. On PostgreSQL the touched cards are locked first, so two transactions
changing one card apply their differences one after the other. `rebuild()` recomputes everything
from the ledger (`flask finance-rebuild`); `check()` lists where the cells and the ledger differ.
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import (
    Date,
    Numeric,
    String,
    case,
    cast,
    event,
    func,
    inspect,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from models.cards.card import Card, Transaction
from models.finance.totals import FinanceDaily, FinanceMonthly
from services.platform.money import SIGN, round_money

ZERO = Decimal("0.00")
CARD_FIELDS = ("bank_id", "agent_id", "bank_answer_date", "deleted_at")
TRANSACTION_FIELDS = ("card_id", "date", "type", "amount", "commission")
CHUNK = 500
SUM = Numeric(18, 2)


# --- the ledger, aggregated --------------------------------------------------------------------


def _ledger(card_ids=None):
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


def _cells(connection, card_ids):
    cells = defaultdict(lambda: [ZERO, 0])
    ids = sorted(card_ids)
    for start in range(0, len(ids), CHUNK):
        for row in connection.execute(_ledger(ids[start : start + CHUNK])):
            cell = cells[(row.day, row.kind, row.bank_id, row.agent_id)]
            cell[0] += round_money(row.amount or 0)
            cell[1] += row.count
    return cells


def _month_start(day):
    return day.replace(day=1)


def _upsert(connection, model, key_name, rows):
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = model.__table__
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[key_name, "kind", "bank_id", "agent_id"],
        set_={"amount": table.c.amount + statement.excluded.amount, "count": table.c.count + statement.excluded.count},
    )
    # Sorted keys: two transactions upserting the same cells take their row locks in one order.
    connection.execute(statement, sorted(rows, key=lambda r: (r[key_name], r["kind"], r["bank_id"], r["agent_id"])))


def apply_deltas(connection, deltas):
    """Add {(day, kind, bank_id, agent_id): [amount, count]} to the daily and monthly cells."""
    daily, monthly = [], defaultdict(lambda: [ZERO, 0])
    for (day, kind, bank_id, agent_id), (amount, count) in deltas.items():
        if amount == 0 and count == 0:
            continue
        daily.append(
            {"day": day, "kind": kind, "bank_id": bank_id, "agent_id": agent_id, "amount": amount, "count": count}
        )
        cell = monthly[(_month_start(day), kind, bank_id, agent_id)]
        cell[0] += amount
        cell[1] += count
    if not daily:
        return
    _upsert(connection, FinanceDaily, "day", daily)
    rows = [
        {"month": month, "kind": kind, "bank_id": bank_id, "agent_id": agent_id, "amount": amount, "count": count}
        for (month, kind, bank_id, agent_id), (amount, count) in monthly.items()
        if amount != 0 or count != 0
    ]
    if rows:
        _upsert(connection, FinanceMonthly, "month", rows)


# --- the session hook --------------------------------------------------------------------------


def _changed(obj, names):
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _before_flush(session, flush_context, instances):
    session.info.pop("finance_pending", None)
    touched, card_ids, transaction_ids = [], set(), []
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Transaction):
                touched.append(obj)
                card_ids.add(obj.card_id if obj.card_id is not None else getattr(obj.card, "id", None))
            elif isinstance(obj, Card) and obj.bank_answer_date is not None:
                touched.append(obj)
        for obj in session.dirty:
            if isinstance(obj, Card) and _changed(obj, CARD_FIELDS):
                touched.append(obj)
                card_ids.add(obj.id)
            elif isinstance(obj, Transaction) and _changed(obj, TRANSACTION_FIELDS):
                touched.append(obj)
                transaction_ids.append(obj.id)
        for obj in session.deleted:
            if isinstance(obj, Card):
                card_ids.add(obj.id)
            elif isinstance(obj, Transaction):
                transaction_ids.append(obj.id)
    if not touched and not card_ids and not transaction_ids:
        return
    connection = session.connection()
    t = Transaction.__table__
    for start in range(0, len(transaction_ids), CHUNK):
        chunk = transaction_ids[start : start + CHUNK]
        card_ids.update(connection.execute(select(t.c.card_id).where(t.c.id.in_(chunk))).scalars())
    card_ids.discard(None)
    if card_ids and connection.dialect.name == "postgresql":
        c = Card.__table__
        ids = sorted(card_ids)
        for start in range(0, len(ids), CHUNK):
            query = select(c.c.id).where(c.c.id.in_(ids[start : start + CHUNK])).order_by(c.c.id).with_for_update()
            connection.execute(query).all()
    session.info["finance_pending"] = (_cells(connection, card_ids), touched, card_ids)


def _after_flush(session, flush_context):
    pending = session.info.pop("finance_pending", None)
    if pending is None:
        return
    before, touched, card_ids = pending
    for obj in touched:
        card_ids.add(obj.card_id if isinstance(obj, Transaction) else obj.id)
    card_ids.discard(None)
    connection = session.connection()
    deltas = defaultdict(lambda: [ZERO, 0])
    for key, (amount, count) in _cells(connection, card_ids).items():
        deltas[key][0] += amount
        deltas[key][1] += count
    for key, (amount, count) in before.items():
        deltas[key][0] -= amount
        deltas[key][1] -= count
    apply_deltas(connection, deltas)


def init_app(app):
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


# --- rebuild and check -------------------------------------------------------------------------


def _month_of(connection, column):
    if connection.dialect.name == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return func.date(column, "start of month")


def rebuild(connection):
    """Recompute every cell from the ledger, in the caller's transaction."""
    daily, monthly = FinanceDaily.__table__, FinanceMonthly.__table__
    connection.execute(monthly.delete())
    connection.execute(daily.delete())
    ledger = _ledger().subquery()
    connection.execute(
        daily.insert().from_select(
            ["day", "kind", "bank_id", "agent_id", "amount", "count"],
            select(ledger).where(ledger.c.day.is_not(None)),
        )
    )
    month = _month_of(connection, daily.c.day)
    connection.execute(
        monthly.insert().from_select(
            ["month", "kind", "bank_id", "agent_id", "amount", "count"],
            select(
                month,
                daily.c.kind,
                daily.c.bank_id,
                daily.c.agent_id,
                func.sum(daily.c.amount),
                func.sum(daily.c.count),
            ).group_by(month, daily.c.kind, daily.c.bank_id, daily.c.agent_id),
        )
    )


def _table_cells(connection, table, key):
    return {
        (getattr(r, key), r.kind, r.bank_id, r.agent_id): (round_money(r.amount), r.count)
        for r in connection.execute(select(table)).all()
        if r.amount != 0 or r.count != 0
    }


def check(connection):
    """Differences between the kept cells and the ledger: [] when they agree to the cent."""
    ledger = {
        (r.day, r.kind, r.bank_id, r.agent_id): (round_money(r.amount or 0), r.count)
        for r in connection.execute(_ledger()).all()
        if r.day is not None and (r.amount or r.count)
    }
    months = defaultdict(lambda: [ZERO, 0])
    for (day, kind, bank_id, agent_id), (amount, count) in ledger.items():
        months[(_month_start(day), kind, bank_id, agent_id)][0] += amount
        months[(_month_start(day), kind, bank_id, agent_id)][1] += count
    months = {key: tuple(value) for key, value in months.items() if value[0] or value[1]}
    problems = []
    for name, kept, expected in (
        ("daily", _table_cells(connection, FinanceDaily.__table__, "day"), ledger),
        ("monthly", _table_cells(connection, FinanceMonthly.__table__, "month"), months),
    ):
        for key in sorted(set(kept) | set(expected), key=str):
            if kept.get(key) != expected.get(key):
                problems.append((name, key, kept.get(key), expected.get(key)))
    return problems
