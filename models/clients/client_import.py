"""An import of historical clients from a CSV or XLSX file: its file, the mapping of the file's columns
to the clients' fields, and what its dry run and its run found. Rows are applied all together or not
at all; each row's external id makes a second upload of the same file change nothing."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow

IMPORT_STATUSES = ("uploaded", "checking", "checked", "importing", "done", "failed", "cancelled")


class ClientImport(db.Model):
    __tablename__ = "client_imports"
    __scope_owner__ = "created_by_id"
    __table_args__ = (sa.CheckConstraint(f"status IN {IMPORT_STATUSES}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), nullable=False)
    file = relationship("StoredFile", lazy="joined")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="uploaded")
    # {field: the file's column number}, as the person mapped them
    mapping: Mapped[dict | None] = mapped_column(sa.JSON)
    total_rows: Mapped[int] = mapped_column(nullable=False, default=0)
    good_rows: Mapped[int] = mapped_column(nullable=False, default=0)
    bad_rows: Mapped[int] = mapped_column(nullable=False, default=0)
    known_rows: Mapped[int] = mapped_column(nullable=False, default=0)  # imported before: left as they are
    applied_rows: Mapped[int] = mapped_column(nullable=False, default=0)
    # [[row number, {field: reason}]] of the rejected rows (the report)
    rejected: Mapped[list | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
