"""Exports: background file builds per user, and the owner's scheduled export emails.

`export_deliveries` holds one row per schedule and period: the UNIQUE (schedule_id, period_key)
is the claim that makes "one email per schedule and period" hold across schedulers and retries."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, utcnow

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_STATUSES = ("queued", "running", "done", "failed")
SCHEDULE_PERIODS = ("daily", "weekly", "monthly")
DELIVERY_STATUSES = ("claimed", "sent", "failed")


class ExportJob(db.Model):
    __tablename__ = "export_jobs"
    __table_args__ = (
        sa.Index("ix_export_jobs_user_id", "user_id", "id"),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        sa.CheckConstraint("format IN ('csv', 'xlsx')", name="format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    user = relationship("User", lazy="select")
    list_key: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    args: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    format: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="queued", server_default="queued")
    rows_done: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    rows_total: Mapped[int | None] = mapped_column()
    # Relative to the instance folder: exports/<generated name>.
    file_path: Mapped[str | None] = mapped_column(sa.String(255))
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class ExportSchedule(Audited, db.Model):
    """The owner's scheduled export email: a list (with the list page's filters), how often, when
    (a local time in the owner's zone) and to whom."""

    __tablename__ = "export_schedules"
    __scope_owner__ = "owner_id"
    __table_args__ = (sa.CheckConstraint("period IN ('daily', 'weekly', 'monthly')", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    list_key: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    # The list page's query string, e.g. "tab=archive&bank=3".
    filters: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="")
    period: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="daily")
    weekday: Mapped[int | None] = mapped_column()  # 0 = Monday, for weekly
    month_day: Mapped[int | None] = mapped_column()  # 1..28, for monthly
    send_time: Mapped[str] = mapped_column(sa.String(5), nullable=False, default="08:00")  # HH:MM, owner's zone
    recipients: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True)

    deliveries = relationship("ExportDelivery", back_populates="schedule", cascade="all, delete-orphan", lazy="select")

    def recipient_list(self):
        return [part.strip() for part in (self.recipients or "").split(",") if part.strip()]

    def __str__(self):
        return f"{self.list_key} ({self.period})"


class ExportDelivery(db.Model):
    __tablename__ = "export_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("schedule_id", "period_key"),
        sa.CheckConstraint("status IN ('claimed', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(sa.ForeignKey("export_schedules.id", ondelete="CASCADE"), nullable=False)
    schedule = relationship(ExportSchedule, back_populates="deliveries")
    period_key: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="claimed")
    attempts: Mapped[int] = mapped_column(nullable=False, default=1, server_default="1")
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(sa.Text)
