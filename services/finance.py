"""The financial report: work-off and confirmed profit over a period, by bank, agent and month.

Definitions (the report page shows them too):
- work-off = the sum of `amount` of transactions of type 'work_off' dated in the period;
- a card's profit = money.card_figures(...).profit = signed sum of its amounts (top-up and
  work-off +, fee and refund −) − the sum of its commissions;
- confirmed profit = the profit of the cards whose bank answer date is in the period.
Both are attributed to the card's bank and agent as they are now; soft-deleted cards count nowhere.

The report reads pre-aggregated cells (models/finance.py), kept exact by one session hook: before a
flush it reads the ledger contribution of every card the flush touches, after the flush it reads it
again and adds the difference with race-safe upserts (ON CONFLICT … amount = amount + excluded),
in the same transaction. On PostgreSQL the touched cards are locked first, so two transactions
changing one card apply their differences one after the other. `rebuild()` recomputes everything
from the ledger (`flask finance-rebuild`); `check()` lists where the cells and the ledger differ.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    Numeric,
    String,
    case,
    cast,
    event,
    extract,
    func,
    inspect,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from models.card import Card, Transaction
from models.finance import FinanceDaily, FinanceMonthly
from services.money import SIGN, round_money

ZERO = Decimal("0.00")
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
PRESETS = {"this_month": _l("This month"), "last_month": _l("Last month"), "this_year": _l("This year")}
CARD_FIELDS = ("bank_id", "agent_id", "bank_answer_date", "deleted_at")
TRANSACTION_FIELDS = ("card_id", "date", "type", "amount", "commission")
CHUNK = 500
SUM = Numeric(18, 2)


class FinanceError(ValueError):
    """Bad report input: `errors` maps input names to messages (a 400 for the views)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


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


# --- periods -----------------------------------------------------------------------------------


def next_month(day):
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def preset_period(name, today):
    if name == "this_month":
        return today.replace(day=1), next_month(today) - dt.timedelta(days=1)
    if name == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if name == "this_year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    raise FinanceError({"preset": _l("Unknown period.")})


def parse_period(args, today):
    """(from, to) from a query string: `preset`, or `from` and `to` as YYYY-MM-DD (both inclusive).
    Nothing given → this month. Raises FinanceError with a message per input."""
    preset = (args.get("preset") or "").strip()
    raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if preset:
        return preset_period(preset, today)
    if not raw_from and not raw_to:
        return preset_period("this_month", today)
    errors, values = {}, {}
    for name, text in (("from", raw_from), ("to", raw_to)):
        try:
            values[name] = dt.date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            values[name] = None
        if values[name] is None or not FIRST_DAY <= values[name] <= LAST_DAY:
            errors[name] = _l("Enter a date as YYYY-MM-DD between 2000 and 2100.")
    if not errors and values["from"] > values["to"]:
        errors["to"] = _l("The end of the period is before its start.")
    if errors:
        raise FinanceError(errors)
    return values["from"], values["to"]


def _split(start, end):
    """([(day from, day to) read daily], (first month, last month) read monthly, or None)."""
    first = start if start.day == 1 else next_month(start)
    stop = next_month(end) if next_month(end) - dt.timedelta(days=1) == end else end.replace(day=1)
    if first >= stop:
        return [(start, end)], None
    days = []
    if start < first:
        days.append((start, first - dt.timedelta(days=1)))
    if stop <= end:
        days.append((stop, end))
    return days, (first, stop - dt.timedelta(days=1))


# --- the report --------------------------------------------------------------------------------


@dataclass
class Figures:
    work_off: Decimal = ZERO
    work_off_count: int = 0
    profit: Decimal = ZERO
    profit_count: int = 0

    def add(self, kind, amount, count):
        if kind == "work_off":
            self.work_off += round_money(amount)
            self.work_off_count += int(count)
        else:
            self.profit += round_money(amount)
            self.profit_count += int(count)

    def as_dict(self):
        return {
            "work_off": str(self.work_off),
            "work_off_count": self.work_off_count,
            "profit": str(self.profit),
            "profit_count": self.profit_count,
        }


@dataclass
class Row(Figures):
    key: object = None
    label: str = ""

    def as_dict(self):
        key = self.key.isoformat() if isinstance(self.key, dt.date) else self.key
        return dict(super().as_dict(), key=key, label=self.label)


@dataclass
class FinanceReport:
    period_from: dt.date
    period_to: dt.date
    total: Figures
    by_bank: list = field(default_factory=list)
    by_agent: list = field(default_factory=list)
    by_month: list = field(default_factory=list)

    def as_dict(self):
        return {
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "total": self.total.as_dict(),
            "by_bank": [r.as_dict() for r in self.by_bank],
            "by_agent": [r.as_dict() for r in self.by_agent],
            "by_month": [r.as_dict() for r in self.by_month],
        }


def _period_cells(period_from, period_to):
    daily, monthly = FinanceDaily.__table__, FinanceMonthly.__table__
    days, months = _split(period_from, period_to)
    parts = [
        select(daily.c.day, daily.c.kind, daily.c.bank_id, daily.c.agent_id, daily.c.amount, daily.c.count).where(
            daily.c.day.between(a, b)
        )
        for a, b in days
    ]
    if months:
        parts.append(
            select(monthly.c.month.label("day"), monthly.c.kind, monthly.c.bank_id, monthly.c.agent_id, monthly.c.amount,
                   monthly.c.count).where(monthly.c.month.between(*months))
        )  # fmt: skip
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("cells")


def _rows(session, grouped, keys, labels):
    rows = {}
    for key, kind, amount, count in grouped:
        if amount == 0 and count == 0:
            continue
        row = rows.setdefault(key, Row(key=key, label=labels(key)))
        row.add(kind, amount, count)
    return [rows[k] for k in keys(rows)]


def report(period_from, period_to):
    """Totals and breakdowns of [period_from, period_to] (dates, both inclusive), read from the cells.
    Pure: a period in, a FinanceReport (Decimal figures) out; raises FinanceError for a bad period."""
    from extensions import db
    from models.directory import Bank
    from models.user import User

    if not (isinstance(period_from, dt.date) and isinstance(period_to, dt.date)) or period_from > period_to:
        raise FinanceError({"to": _l("The end of the period is before its start.")})
    session = db.session
    cells = _period_cells(period_from, period_to)
    amount, count = func.sum(cells.c.amount, type_=SUM), func.sum(cells.c.count)

    def grouped(*columns):
        return session.execute(select(*columns, cells.c.kind, amount, count).group_by(*columns, cells.c.kind)).all()

    by_bank = grouped(cells.c.bank_id)
    by_agent = grouped(cells.c.agent_id)
    year, month = extract("year", cells.c.day), extract("month", cells.c.day)
    by_month = [
        (dt.date(int(r[0]), int(r[1]), 1), r[2], r[3], r[4])
        for r in session.execute(select(year, month, cells.c.kind, amount, count).group_by(year, month, cells.c.kind))
    ]
    bank_names = dict(session.execute(select(Bank.id, Bank.name).where(Bank.id.in_({r[0] for r in by_bank}))).all())
    agent_ids = {r[0] for r in by_agent}
    agent_names = {
        r.id: r.full_name or r.username
        for r in session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(agent_ids)))
    }
    none = str(_l("(none)"))

    def by_name(names):
        return lambda rows: sorted(rows, key=lambda k: (k == 0, names.get(k, none).lower(), k))

    total = Figures()
    for _month, kind, value, n in by_month:
        total.add(kind, value, n)
    return FinanceReport(
        period_from=period_from,
        period_to=period_to,
        total=total,
        by_bank=_rows(session, by_bank, by_name(bank_names), lambda k: bank_names.get(k, none)),
        by_agent=_rows(session, by_agent, by_name(agent_names), lambda k: agent_names.get(k, none)),
        by_month=_rows(session, by_month, sorted, lambda k: k.strftime("%Y-%m")),
    )


def month_figures(today):
    """(this month, last month) totals as Figures: the dashboard's money cards, from the monthly cells."""
    from extensions import db

    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    m = FinanceMonthly.__table__
    rows = db.session.execute(
        select(m.c.month, m.c.kind, func.sum(m.c.amount, type_=SUM), func.sum(m.c.count))
        .where(m.c.month.in_([last_month, this_month]))
        .group_by(m.c.month, m.c.kind)
    ).all()
    figures = {this_month: Figures(), last_month: Figures()}
    for month, kind, amount, count in rows:
        figures[month].add(kind, amount, count)
    return figures[this_month], figures[last_month]
