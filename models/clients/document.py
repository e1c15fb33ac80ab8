"""A client's documents: files uploaded for him (services/platform/uploads.py), seen by whoever sees
the client, deleted softly with their history."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, SoftDeleteMixin


class ClientDocument(Audited, SoftDeleteMixin, db.Model):
    __tablename__ = "client_documents"
    __scope_office__ = "office_id"
    __table_args__ = (sa.Index("ix_client_documents_client", "client_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False)
    client = relationship("Client", lazy="joined")
    # The client's office when it was uploaded, for the office rule of the scope.
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), nullable=False)
    file = relationship("StoredFile", lazy="joined")

    @classmethod
    def scope_clause(cls, visible_ids):
        from models.clients.client import Client

        return cls.client_id.in_(sa.select(Client.id).where(Client.scope_clause(visible_ids)))

    def seen_among(self, people):
        return self.client.seen_among(people)

    def __str__(self):
        return self.file.original_name if self.file else str(self.id)
