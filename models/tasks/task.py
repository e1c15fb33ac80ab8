"""Ordinary tasks that staff set to themselves or to the people they may assign to, with comments,
attachments, watchers and repetition. (The pipeline's stage tasks live in models/pipeline; the tasks
section shows both.)"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, SoftDeleteMixin, VersionMixin, utcnow

TASK_STATUSES = ("new", "in_work", "done", "cancelled")
OPEN_STATUSES = ("new", "in_work")
CLOSED_STATUSES = ("done", "cancelled")
# Allowed status changes: (from, to) -> who may make it ("assignee" or "party": author or assignee).
STATUS_MOVES = {
    ("new", "in_work"): "assignee",
    ("in_work", "done"): "assignee",
    ("new", "cancelled"): "party",
    ("in_work", "cancelled"): "party",
}


class Task(Audited, SoftDeleteMixin, VersionMixin, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # incoming tab: my tasks by status and deadline (also "overdue")
        sa.Index("ix_tasks_assignee_status_deadline", "assignee_id", "status", "deadline"),
        # outgoing tab, newest first
        sa.Index("ix_tasks_author", "author_id", "id"),
        sa.Index("ix_tasks_deadline", "deadline"),
        sa.Index("ix_tasks_status_deadline", "status", "deadline"),
        sa.Index("ix_tasks_created_at", "created_at"),
        sa.Index("ix_tasks_card", "card_id"),
        sa.Index("ix_tasks_client", "client_id"),
        # one task per repetition and day, whichever scheduler makes it
        sa.UniqueConstraint("recurrence_id", "occurs_on", name="uq_tasks_recurrence_day"),
        sa.CheckConstraint("status IN ('new', 'in_work', 'done', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    assignee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")
    deadline: Mapped[datetime] = mapped_column(nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="new", server_default="new")
    card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cards.id"))
    card = relationship("Card", lazy="select")
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))
    closed_at: Mapped[datetime | None] = mapped_column()
    recurrence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("task_recurrences.id"))
    occurs_on: Mapped[date | None] = mapped_column()  # the day of its repetition, in the author's zone
    comments = relationship(
        "TaskComment", back_populates="task", order_by="TaskComment.id", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None):
        return self.is_open and self.deadline < (now or utcnow())

    def state(self, now=None):
        """What the row's colour says: overdue, in_work, done, cancelled or new."""
        return "overdue" if self.is_overdue(now) else self.status

    def __str__(self):
        return self.title


class TaskComment(db.Model):
    __tablename__ = "task_comments"
    __table_args__ = (sa.Index("ix_task_comments_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False)
    task = relationship(Task, back_populates="comments")
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    author = relationship("User", lazy="joined")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class TaskWatcher(db.Model):
    """Someone who follows a task he is not a party to: he sees it, comments, and hears of changes."""

    __tablename__ = "task_watchers"
    __table_args__ = (sa.Index("ix_task_watchers_user", "user_id", "task_id"),)

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class TaskAttachment(db.Model):
    __tablename__ = "task_attachments"
    __table_args__ = (sa.Index("ix_task_attachments_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), nullable=False)
    file = relationship("StoredFile", lazy="joined")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column()


REPEATS = ("daily", "weekly", "monthly")


class TaskRecurrence(Audited, db.Model):
    """A task set again every day, week or month: the job makes each one at the start of its day in
    the author's zone, due at the same local time as the first."""

    __tablename__ = "task_recurrences"
    __table_args__ = (
        sa.Index("ix_task_recurrences_due", "active", "next_on"),
        sa.CheckConstraint("repeat IN ('daily', 'weekly', 'monthly')", name="repeat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repeat: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    assignee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cards.id"))
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))
    first_on: Mapped[date] = mapped_column(nullable=False)  # the first task's day: the weekday or day of month
    due_time: Mapped[str] = mapped_column(sa.String(5), nullable=False)  # "HH:MM" in the author's zone
    timezone: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    next_on: Mapped[date] = mapped_column(nullable=False)
    until: Mapped[date | None] = mapped_column()
    active: Mapped[bool] = mapped_column(nullable=False, default=True)

    def __str__(self):
        return self.title
