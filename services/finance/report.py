"""The financial report: work-off and confirmed profit over a period, by bank, agent and month.

Definitions (the report page shows them too):
- work-off = the sum of `amount` of transactions of type 'work_off' dated in the period;
- a card's profit = money.card_figures(...).profit = signed sum of its amounts (top-up and
  work-off +, fee and refund −) − the sum of its commissions;
- confirmed profit = the profit of the cards whose bank answer date is in the period.
Both are attributed to the card's bank and agent as they are now; soft-deleted cards count nowhere.

It reads the kept daily and monthly totals of services/finance/totals.py, the sums of the money books
that domains register (services/platform/money_books.py; the cards' is services/cards/money_book.py).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    extract,
    func,
    select,
    union_all,
)

from models.finance.totals import FinanceDaily, FinanceMonthly
from services.finance.totals import SUM
from services.platform import dates
from services.platform.money import round_money

ZERO = Decimal("0.00")
PRESETS = {"this_month": _l("This month"), "last_month": _l("Last month"), "this_year": _l("This year")}


class FinanceError(ValueError):
    """Bad report input: `errors` maps input names to messages (a 400 for the views)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


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
            values[name] = dates.parse_date(text)
            if values[name] is None:
                errors[name] = dates.FORMAT_MESSAGE
        except dates.DateError as error:
            errors[name] = error.message
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
    from models.platform.user import User
    from services.platform import money_books

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
    bank_ids = {r[0] for r in by_bank}
    bank_names = {}
    for book in money_books.BOOKS:
        bank_names.update(book.bank_names(session, bank_ids))
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
