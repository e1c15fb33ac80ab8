"""Stage tasks: every step of every subject (a card now, a client later) through a pipeline's stages."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow
from models.cards.card import CardResponsible
from models.pipeline.stages import Stage

CARD_TASK = "subject_type = 'card'"
OPEN_CARD_TASK = "closed_at IS NULL AND subject_type = 'card'"


class StageTask(db.Model):
    """One step of one subject through one stage. Closed tasks are history: only their copy of the
    card's people (below) still follows the card."""

    __tablename__ = "stage_tasks"
    __table_args__ = (
        sa.Index(
            "ix_stage_tasks_open_column",
            "stage_id",
            "deadline",
            "id",
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        ),
        sa.Index("ix_stage_tasks_subject", "subject_type", "subject_id", "seq"),
        # A subject has at most one open task: the database refuses a second one.
        sa.Index(
            "uq_stage_tasks_one_open",
            "subject_type",
            "subject_id",
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        ),
        # A periodic task (jobs/pipeline.py) carries its period: a second run of the job in
        # the same period, from whatever scheduler or retry, cannot add another one.
        sa.Index("uq_stage_tasks_period", "subject_type", "subject_id", "period_key", unique=True),
        sa.Index(
            "ix_stage_tasks_assignee_open",
            "assignee_id",
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        ),
        # The auto-tasks tab: newest first, by period, responsible person or stage (keyset pages).
        # Its walk reads the card and its people from the index (services/tasks/auto_tasks.py).
        sa.Index(
            "ix_stage_tasks_card_opened",
            "opened_at",
            "id",
            postgresql_include=["subject_id", "card_agent_id", "card_manager_id", "card_accountant_id"],
            postgresql_where=sa.text(CARD_TASK),
            sqlite_where=sa.text(CARD_TASK),
        ),
        sa.Index("ix_stage_tasks_assignee_opened", "assignee_id", "opened_at", "id"),
        sa.Index("ix_stage_tasks_stage_opened", "stage_id", "opened_at", "id"),
        # A scoped board column's walk (services/cards/board_statements.py) reads only this index: the
        # order, the card and assignee for the page, and the card's people for the scope.
        sa.Index(
            "ix_stage_tasks_open_people",
            "stage_id",
            "deadline",
            "id",
            postgresql_include=["subject_id", "assignee_id", "card_agent_id", "card_manager_id", "card_accountant_id"],
            postgresql_where=sa.text(OPEN_CARD_TASK),
            sqlite_where=sa.text(OPEN_CARD_TASK),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    subject_id: Mapped[int] = mapped_column(nullable=False)
    seq: Mapped[int] = mapped_column(nullable=False, default=1)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id"), nullable=False)
    stage = relationship(Stage, foreign_keys=[stage_id], lazy="joined")
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    deadline: Mapped[datetime] = mapped_column(nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    values: Mapped[dict | None] = mapped_column(sa.JSON)
    moved_to_stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stages.id"))
    moved_to_stage = relationship(Stage, foreign_keys=[moved_to_stage_id])
    period_key: Mapped[str | None] = mapped_column(sa.String(40))
    # A card task's copy of its card's people, kept by database triggers (migrations b1c2d3e4f509,
    # b1c2d3e4f512) on every task of the card, closed ones too; never set by the application.
    card_agent_id: Mapped[int | None] = mapped_column(deferred=True)
    card_manager_id: Mapped[int | None] = mapped_column(deferred=True)
    card_accountant_id: Mapped[int | None] = mapped_column(deferred=True)

    @classmethod
    def card_people(cls):
        """The task's copy of Card.scope_people(), in the same order."""
        return (cls.card_agent_id, cls.card_manager_id, cls.card_accountant_id)

    @classmethod
    def of_cards(cls):
        """The card tasks. 'card' as a literal: a prepared statement's generic plan can then use the
        partial indexes (ix_stage_tasks_card_opened, ix_stage_tasks_open_people)."""
        return cls.subject_type == sa.literal_column("'card'")

    @classmethod
    def card_scope_clause(cls, visible_ids):
        """Card tasks whose card the viewer may see (Card.scope_clause), asked of the task's copy of
        its card's people: a walk over an index that holds them looks up no card."""
        responsible = sa.select(CardResponsible.card_id).where(CardResponsible.user_id.in_(visible_ids))
        return sa.or_(*(column.in_(visible_ids) for column in cls.card_people()), cls.subject_id.in_(responsible))

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def is_overdue(self):
        return self.closed_at is None and self.deadline < utcnow()
