from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow


class ChangeLog(db.Model):
    """One row per changed field (or one per create/delete), written by the session hook."""

    __tablename__ = "change_log"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)
    __table_args__ = (sa.Index("ix_change_log_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    user = relationship("User", lazy="joined")
    entity: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    entity_id: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    action: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    field: Mapped[str | None] = mapped_column(sa.String(60))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
