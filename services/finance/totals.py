"""The financial report's kept totals (models/finance/totals.py) and the ledger they sum.

The report reads pre-aggregated cells (models/finance/totals.py), kept exact by one session hook: before a
flush it reads the cells of every record the flush touches in each registered money book
(services/platform/money_books.py; the cards register theirs), after the flush it reads them again
and adds the difference with race-safe upserts (ON CONFLICT … amount = amount + excluded), in the
same transaction. The book locks its touched records first (PostgreSQL), so two transactions
changing one record apply their differences one after the other. `rebuild()` recomputes everything
from the ledger (`flask finance-rebuild`); `check()` lists where the cells and the ledger differ.
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import (
    Date,
    Numeric,
    cast,
    event,
    func,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from models.finance.totals import FinanceDaily, FinanceMonthly
from services.platform import money_books
from services.platform.money import round_money

ZERO = Decimal("0.00")
CHUNK = 500
SUM = Numeric(18, 2)


# --- the books, aggregated ----------------------------------------------------------------------


def _ledger():
    """The cells of every registered money book, straight from its records."""
    parts = [select(book.cells().subquery()) for book in money_books.BOOKS]
    every = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    key = (every.c.day, every.c.kind, every.c.bank_id, every.c.agent_id)
    return select(
        *key, func.sum(every.c.amount, type_=SUM).label("amount"), func.sum(every.c.count).label("count")
    ).group_by(*key)


def _cells(connection, book, keys):
    cells = defaultdict(lambda: [ZERO, 0])
    ids = sorted(keys)
    for start in range(0, len(ids), CHUNK):
        for row in connection.execute(book.cells(ids[start : start + CHUNK])):
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


def _before_flush(session, flush_context, instances):
    """Each book's cells of the records the flush touches, as they are before it."""
    session.info.pop("finance_pending", None)
    pending = []
    for book in money_books.BOOKS:
        keys, late = book.touched(session)
        if not keys and not late:
            continue
        connection = session.connection()
        book.lock(connection, keys)
        pending.append((book, _cells(connection, book, keys), keys, late))
    if pending:
        session.info["finance_pending"] = pending


def _after_flush(session, flush_context):
    """The difference the flush made to those cells, added to the kept totals."""
    pending = session.info.pop("finance_pending", None)
    if pending is None:
        return
    connection = session.connection()
    deltas = defaultdict(lambda: [ZERO, 0])
    for book, before, keys, late in pending:
        for key, (amount, count) in _cells(connection, book, keys | book.keys_after(late)).items():
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
