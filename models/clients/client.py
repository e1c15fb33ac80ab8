"""Part B2: the education company's clients, moving through the training pipeline as their studies
progress, with the employees who have been responsible for each."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.any_of import any_of
from models.base import Audited, SoftDeleteMixin, VersionMixin, utcnow
from models.pipeline.subject import PipelineSubject

CLIENTS_PIPELINE = "clients"  # seeds/pipelines/clients.yaml
LANGUAGES = ("uk", "ru", "en")
# The client's people, in the engine's slot order: the employee responsible for him.
PEOPLE = {"employee": "responsible_id"}


class Client(PipelineSubject, Audited, SoftDeleteMixin, VersionMixin, db.Model):
    __tablename__ = "clients"
    __subject_type__ = "client"
    __subject_key__ = "full_name"
    __people__ = PEOPLE
    # A leader sees his people's clients in the offices where he holds a position (access.office_clause).
    __scope_office__ = "office_id"
    __audit_exclude__ = Audited.__audit_exclude__ | {"bucket"}
    __table_args__ = (
        sa.Index("ix_clients_bucket_id", "bucket", "id"),
        sa.Index("ix_clients_responsible_id", "responsible_id", "id"),
        sa.Index("ix_clients_office_id", "office_id", "id"),
        sa.Index("ix_clients_referrer_id", "referrer_id"),
        sa.Index("ix_clients_phone", "phone"),
        sa.Index("ix_clients_email", "email"),
        sa.Index(
            "ix_clients_board",
            "stage_id",
            "responsible_id",
            "office_id",
            "id",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        ),
        sa.Index(
            "ix_clients_full_name_trgm",
            "full_name",
            postgresql_using="gin",
            postgresql_ops={"full_name": "gin_trgm_ops"},
        ),
    )

    @classmethod
    def scope_clause(cls, visible_ids):
        """PipelineSubject's, each branch an array (models.any_of): a narrow viewer's search then
        reads his people's clients by the responsible's index, not every client newest first."""
        return sa.or_(any_of(cls.responsible_id, visible_ids), any_of(cls.id, cls.responsible_ids(visible_ids)))

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    # Phones in one form (services.platform.phones.normalized), e-mail in lower case: duplicates show.
    phone: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    phone_other: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    messenger: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    country: Mapped[str] = mapped_column(sa.String(80), nullable=False, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="Europe/Kyiv")
    source: Mapped[str] = mapped_column(sa.String(80), nullable=False, default="")
    language: Mapped[str] = mapped_column(sa.String(5), nullable=False, default="uk")
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    office = relationship("Office", lazy="joined")
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    responsible = relationship("User", foreign_keys=[responsible_id], lazy="joined")
    referrer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))
    referrer = relationship("Client", remote_side=[id], lazy="raise_on_sql")  # loaded where a page shows it
    is_partner: Mapped[bool] = mapped_column(nullable=False, default=False)
    partner_since: Mapped[dt.datetime | None] = mapped_column()
    # When his first invoice was paid in full: a paying client (conversions, referrals).
    paying_since: Mapped[dt.datetime | None] = mapped_column()
    first_paid_invoice_id: Mapped[int | None] = mapped_column()  # the invoice that made him paying
    # The client's id in the records he was imported from: imported once, whatever is uploaded again.
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    tags: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    notes: Mapped[str | None] = mapped_column(sa.Text)
    pipeline_id: Mapped[int] = mapped_column(sa.ForeignKey("pipelines.id"), nullable=False)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id"), nullable=False, index=True)
    stage = relationship("Stage", lazy="joined")
    bucket: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="new")
    stage_entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow, nullable=False)

    def __str__(self):
        return self.full_name


class ClientResponsible(db.Model):
    """One stretch of a client's responsible employee: from when, until when (open while current)."""

    __tablename__ = "client_responsibles"
    __table_args__ = (sa.Index("ix_client_responsibles_client", "client_id", "since"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    since: Mapped[dt.datetime] = mapped_column(default=utcnow, nullable=False)
    until: Mapped[dt.datetime | None] = mapped_column()
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
