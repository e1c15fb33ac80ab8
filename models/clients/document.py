"""A client's documents: files uploaded for him (services/platform/uploads.py), seen by whoever sees
the client, deleted softly with their history."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, SoftDeleteMixin
from models.clients.of_client import OfClient


class ClientDocument(OfClient, Audited, SoftDeleteMixin, db.Model):
    __tablename__ = "client_documents"
    __table_args__ = (sa.Index("ix_client_documents_client", "client_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False)
    client = relationship("Client", lazy="joined")
    # The client's office when it was uploaded, for the office rule of the scope.
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), nullable=False)
    file = relationship("StoredFile", lazy="joined")

    def __str__(self):
        return self.file.original_name if self.file else str(self.id)
