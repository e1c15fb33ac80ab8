"""A file someone uploaded, as stored: under a generated name outside static/, with the name and type
people see, its size and its digest. Who may read it is the record that points at it (a client's
document, an employee's)."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import utcnow


class StoredFile(db.Model):
    __tablename__ = "stored_files"
    __scope__ = "all"  # read only through the record that points at it, which has its own scope

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True, nullable=False)
    original_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
