"""Part A: payment cards moving through the cards pipeline, and their money transactions."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, SoftDeleteMixin, VersionMixin, utcnow
from models.pipeline.subject import PipelineSubject

TRANSACTION_TYPES = ("top_up", "work_off", "fee", "refund")
COMMISSION_KINDS = ("percent", "fixed")
CARDS_PIPELINE = "cards"  # the code of the pipeline cards travel through (seeds/pipelines/cards.yaml)
# Which card field holds the person of a stage's role (the card's people, in the engine's slot order).
ROLE_FIELDS = {"agent": "agent_id", "manager": "manager_id", "accountant": "accountant_id"}


class Card(PipelineSubject, Audited, SoftDeleteMixin, VersionMixin, db.Model):
    __tablename__ = "cards"
    __subject_type__ = "card"
    __subject_key__ = "number"
    __people__ = ROLE_FIELDS
    # The bucket follows the stage: the stage's change is the one worth a line in the change log. The
    # sealed number and its hash never go there: the masked number's change tells it.
    __audit_exclude__ = Audited.__audit_exclude__ | {"bucket", "number_sealed", "number_hash"}
    __table_args__ = (
        sa.Index("ix_cards_bucket_id", "bucket", "id"),
        # The archive, newest first: without it the planner walks the primary key backwards through
        # the (newest) active cards before it reaches the first archived one.
        sa.Index(
            "ix_cards_archive_id",
            "id",
            postgresql_where=sa.text("bucket = 'archive' AND deleted_at IS NULL"),
            sqlite_where=sa.text("bucket = 'archive' AND deleted_at IS NULL"),
        ),
        sa.Index("ix_cards_bank_id", "bank_id", "id"),
        sa.Index("ix_cards_contractor_id", "contractor_id", "id"),
        sa.Index("ix_cards_agent_id", "agent_id", "id"),
        sa.Index("ix_cards_manager_id", "manager_id", "id"),
        sa.Index("ix_cards_accountant_id", "accountant_id", "id"),
        # A filter by a person outside the viewer's scope, AND one of the viewer's people in another
        # role (services.cards.lists._scope_branch_rows): from the index alone, not a bitmap of every
        # card of the viewer's team (~240,000 for a manager, 16 ms).
        sa.Index("ix_cards_people", "agent_id", "manager_id", "accountant_id"),
        # The tracker's counts: live cards per stage, narrowed by scope and board filters, from the index alone.
        # (Migration abb5ad3ffe4c also makes autovacuum visit `cards` after 200 dead rows, so that
        # moved cards' pages are soon all-visible again and the scan stays index-only.)
        sa.Index(
            "ix_cards_board",
            "stage_id",
            "agent_id",
            "manager_id",
            "accountant_id",
            "bank_id",
            "id",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        ),
        sa.Index(
            "ix_cards_contact_name_trgm",
            "contact_name",
            postgresql_using="gin",
            postgresql_ops={"contact_name": "gin_trgm_ops"},
        ),
        sa.Index(
            "ix_cards_contact_phone_trgm",
            "contact_phone",
            postgresql_using="gin",
            postgresql_ops={"contact_phone": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The masked number people see, "5168 75** **** 1001"; the full one only sealed, and unique by
    # its keyed hash (services/cards/card_numbers.py).
    number: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    number_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    number_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    contact_name: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    bank_id: Mapped[int | None] = mapped_column(sa.ForeignKey("banks.id"))
    bank = relationship("Bank", lazy="joined")
    contractor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contractors.id"))
    contractor = relationship("Contractor", lazy="joined")
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    agent = relationship("User", foreign_keys=[agent_id], lazy="joined")
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    manager = relationship("User", foreign_keys=[manager_id], lazy="joined")
    accountant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    accountant = relationship("User", foreign_keys=[accountant_id], lazy="joined")
    pipeline_id: Mapped[int] = mapped_column(sa.ForeignKey("pipelines.id"), nullable=False)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id"), nullable=False, index=True)
    stage = relationship("Stage", lazy="joined")
    # The stage's bucket (new / in work / worked off / archive), kept on the card for the tabs' index.
    bucket: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="new")
    stage_entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow, nullable=False)
    bank_answer_date: Mapped[dt.date | None] = mapped_column()
    notes: Mapped[str | None] = mapped_column(sa.Text)
    transactions = relationship(
        "Transaction", back_populates="card", cascade="all, delete-orphan", order_by="Transaction.id", lazy="selectin"
    )

    @classmethod
    def waiting_clause(cls):
        """In the bank check, a card waits until the bank's answer has a date."""
        return (cls.bank_answer_date.is_(None),)

    def __str__(self):
        return self.number


# The number filters look for a run of the digits shown (LIKE '%1001%' on the masked number without
# its spaces): on PostgreSQL its trigrams serve them.
sa.Index(
    "ix_cards_number_trgm",
    sa.func.replace(Card.number, " ", "").label("compact_number"),
    postgresql_using="gin",
    postgresql_ops={"compact_number": "gin_trgm_ops"},
)


class Transaction(Audited, db.Model):
    __tablename__ = "transactions"
    __table_args__ = (sa.Index("ix_transactions_card", "card_id", "id"), sa.Index("ix_transactions_date", "date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("cards.id", ondelete="CASCADE"), nullable=False)
    card = relationship(Card, back_populates="transactions")
    stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stages.id"))
    date: Mapped[dt.date] = mapped_column(nullable=False)
    type: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)
    commission_kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="percent")
    commission_rate: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, default=Decimal("0"))
    commission: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, default=Decimal("0"))
    note: Mapped[str | None] = mapped_column(sa.String(255))

    def __str__(self):
        # The change log names a transaction by its day and amount (money with its thousands spaced).
        return f"{self.date.isoformat()} · {self.amount:,.2f}".replace(",", "\u202f")
