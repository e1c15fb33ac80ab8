"""A client's events — calls, meetings, lessons, interviews — with their types and statuses as data
the owner edits, each at a time (UTC) for a duration, with the person who holds it and the result."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, LocalizedLabel, VersionMixin


class EventType(Audited, LocalizedLabel, db.Model):
    __tablename__ = "event_types"
    __scope__ = "all"  # every type, to whoever may open its view

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    color: Mapped[str] = mapped_column(sa.String(9), nullable=False, default="#6c757d")
    default_minutes: Mapped[int] = mapped_column(nullable=False, default=30, info={"range": (5, 1440)})
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True)


class EventStatus(Audited, LocalizedLabel, db.Model):
    """planned / done / missed / cancelled and any the owner adds: `is_open` (still to happen: a
    reminder, an overdue mark), `counts_as_done` (the event_done points rule)."""

    __tablename__ = "event_statuses"
    __scope__ = "all"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    color: Mapped[str] = mapped_column(sa.String(9), nullable=False, default="#6c757d")
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    is_open: Mapped[bool] = mapped_column(nullable=False, default=False)
    counts_as_done: Mapped[bool] = mapped_column(nullable=False, default=False)


class Event(Audited, VersionMixin, db.Model):
    __tablename__ = "events"
    __audit_exclude__ = Audited.__audit_exclude__ | {"reminded_at"}  # the reminder job's mark, no one's change
    __table_args__ = (
        sa.Index("ix_events_assignee_starts", "assignee_id", "starts_at", "id", postgresql_include=["status_id"]),
        sa.Index("ix_events_client", "client_id", "starts_at"),
        sa.Index("ix_events_status_starts", "status_id", "starts_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False)
    client = relationship("Client", lazy="joined")
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("event_types.id"), nullable=False)
    type = relationship(EventType, lazy="joined")
    status_id: Mapped[int] = mapped_column(sa.ForeignKey("event_statuses.id"), nullable=False)
    status = relationship(EventStatus, lazy="joined")
    starts_at: Mapped[dt.datetime] = mapped_column(nullable=False)
    duration_minutes: Mapped[int] = mapped_column(nullable=False, default=30)
    assignee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    result_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    remind_minutes: Mapped[int] = mapped_column(nullable=False, default=30)
    reminded_at: Mapped[dt.datetime | None] = mapped_column()

    @property
    def ends_at(self):
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @classmethod
    def scope_clause(cls, visible_ids):
        """Events held by one of the visible people, or of a client in their scope."""
        from models.clients.client import Client

        return sa.or_(
            cls.assignee_id.in_(visible_ids),
            cls.client_id.in_(sa.select(Client.id).where(Client.scope_clause(visible_ids))),
        )

    def seen_among(self, people):
        return self.assignee_id in people or self.client.seen_among(people)

    def __str__(self):
        return self.title or str(self.type)
