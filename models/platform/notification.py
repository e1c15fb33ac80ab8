"""The notification centre's rows: what happened that concerns a person (its kind and the values
its sentence needs, read in the reader's language), where to look, and whether he has read it; and
each person's choice per kind — in the app, in the e-mail digest."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __scope_owner__ = "user_id"
    __table_args__ = (
        sa.Index("ix_notifications_user", "user_id", "id"),
        sa.Index("ix_notifications_unread", "user_id", postgresql_where=sa.text("read_at IS NULL AND in_app"),
                 sqlite_where=sa.text("read_at IS NULL AND in_app")),
        sa.Index("ix_notifications_digest", "user_id", postgresql_where=sa.text("email AND mailed_at IS NULL"),
                 sqlite_where=sa.text("email AND mailed_at IS NULL")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    link: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    in_app: Mapped[bool] = mapped_column(nullable=False, default=True)
    email: Mapped[bool] = mapped_column(nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column()
    mailed_at: Mapped[dt.datetime | None] = mapped_column()


class NotificationSetting(db.Model):
    """A person's choice for one kind; a kind he never chose follows its default."""

    __tablename__ = "notification_settings"
    __scope_owner__ = "user_id"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    in_app: Mapped[bool] = mapped_column(nullable=False, default=True)
    email: Mapped[bool] = mapped_column(nullable=False, default=False)
