"""Directories of Part A: banks and contractors (card suppliers)."""

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import Audited


class Bank(Audited, db.Model):
    __tablename__ = "banks"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True, nullable=False)
    code: Mapped[str | None] = mapped_column(sa.String(20))
    commission_percent: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 2), nullable=False, default=Decimal("0"), info={"range": (Decimal("0"), Decimal("100"))}
    )
    commission_fixed: Mapped[Decimal] = mapped_column(
        sa.Numeric(14, 2),
        nullable=False,
        default=Decimal("0"),
        info={"range": (Decimal("0"), Decimal("999999999999.99"))},
    )
    notes: Mapped[str | None] = mapped_column(sa.Text)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)

    def __str__(self):
        return self.name


class Contractor(Audited, db.Model):
    __tablename__ = "contractors"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True, nullable=False)
    contact_name: Mapped[str | None] = mapped_column(sa.String(160))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(160))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)

    def __str__(self):
        return self.name
