"""Pre-aggregated money totals for the financial report, kept exact by services/finance/report.py.

One row per (day, kind, bank, agent): `kind` is 'work_off' (work-off transactions dated that day)
or 'profit' (the profit of cards whose bank answer is dated that day). A card without a bank or an
agent is counted under id 0, so that every cell has a real key (NULLs never conflict in a unique
index, and the upserts need a conflict). The monthly table holds the same cells by month start:
a report over a long period reads whole months there and only the edge days in the daily table.
Sums are wider than one amount (Numeric(18, 2)): a day of many large transactions must fit.
"""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db

FINANCE_KINDS = ("work_off", "profit")


class FinanceDaily(db.Model):
    __tablename__ = "finance_daily"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    bank_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    agent_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2), nullable=False, default=Decimal("0.00"))
    count: Mapped[int] = mapped_column(nullable=False, default=0)


class FinanceMonthly(db.Model):
    __tablename__ = "finance_monthly"

    month: Mapped[dt.date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    bank_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    agent_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2), nullable=False, default=Decimal("0.00"))
    count: Mapped[int] = mapped_column(nullable=False, default=0)
