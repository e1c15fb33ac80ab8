"""The company's requisites, as the owner enters them once: what a printed invoice carries."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import Audited


class Company(Audited, db.Model):
    __tablename__ = "company"
    __scope__ = "all"  # one row, to whoever may open its page

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    legal_name: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    tax_code: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")  # ЄДРПОУ / РНОКПП
    iban: Mapped[str] = mapped_column(sa.String(34), nullable=False, default="")
    bank_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    address: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    phone: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")

    def __str__(self):
        return self.name or self.legal_name
