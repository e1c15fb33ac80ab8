"""An anonymous suggestion or remark. The row names its addressee (a person, or the administrator
as a role) and never its author: no author column, no created_by, no session or address, and only
the day it was sent. Not `Audited`: the change log would name the sender as the actor of its
creation. The addressee's acts (status, answer) are his own and keep who made them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

STATUSES = ("new", "review", "done", "declined")


class Suggestion(db.Model):
    __tablename__ = "suggestions"
    __table_args__ = (
        sa.Index("ix_suggestions_addressee", "addressee_id", "status", "id"),
        sa.Index("ix_suggestions_administrator", "to_administrator", "status", "id"),
        sa.CheckConstraint("status IN ('new', 'review', 'done', 'declined')", name="status"),
        sa.CheckConstraint(
            "(to_administrator AND addressee_id IS NULL) OR (NOT to_administrator AND addressee_id IS NOT NULL)",
            name="one_addressee",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    addressee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    addressee = relationship("User", foreign_keys=[addressee_id], lazy="joined")
    to_administrator: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="new", server_default="new")
    # The day only: a time would line the row up with the sender's other requests.
    sent_on: Mapped[date] = mapped_column(nullable=False)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_by = relationship("User", foreign_keys=[answered_by_id], lazy="joined")
    answered_at: Mapped[datetime | None] = mapped_column()
    changes = relationship(
        "SuggestionStatusChange",
        order_by="SuggestionStatusChange.id",
        lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )


class SuggestionStatusChange(db.Model):
    """A status set by the addressee (or an administrator): who, when, to what."""

    __tablename__ = "suggestion_status_changes"
    __table_args__ = (sa.Index("ix_suggestion_status_changes_suggestion", "suggestion_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    changed_by = relationship("User", foreign_keys=[changed_by_id], lazy="joined")
    changed_at: Mapped[datetime] = mapped_column(nullable=False)
