"""An employee's documents (a contract, a certificate): seen by himself, his leaders and whoever sees
everyone; deleted softly with their history."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, SoftDeleteMixin


class EmployeeDocument(Audited, SoftDeleteMixin, db.Model):
    __tablename__ = "employee_documents"
    __scope_owner__ = "user_id"
    __table_args__ = (sa.Index("ix_employee_documents_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), nullable=False)
    file = relationship("StoredFile", lazy="joined")

    def __str__(self):
        return self.file.original_name if self.file else str(self.id)
