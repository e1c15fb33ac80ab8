"""Stage tasks: every step of every subject (a card now, a client later) through a pipeline's stages."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow
from models.pipeline.stages import Stage

OPEN_TASK = "closed_at IS NULL"


class StageTask(db.Model):
    """One step of one subject through one stage. Closed tasks are history: only their copy of the
    subject's people (below) still follows the subject."""

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
        # The auto-tasks tab: a subject type's steps newest first (keyset pages). Its walk reads the
        # subject and its people from the index (services/tasks/auto_tasks.py).
        sa.Index(
            "ix_stage_tasks_subject_opened",
            "subject_type",
            "opened_at",
            "id",
            postgresql_include=["subject_id", "person_1_id", "person_2_id", "person_3_id"],
        ),
        sa.Index("ix_stage_tasks_assignee_opened", "assignee_id", "opened_at", "id"),
        sa.Index("ix_stage_tasks_stage_opened", "stage_id", "opened_at", "id"),
        # A scoped board column's walk reads only this index: the order, the subject and assignee for
        # the page, and the subject's people for the scope (services/cards/board_statements.py).
        sa.Index(
            "ix_stage_tasks_open_people",
            "stage_id",
            "deadline",
            "id",
            postgresql_include=["subject_id", "assignee_id", "person_1_id", "person_2_id", "person_3_id"],
            postgresql_where=sa.text(OPEN_TASK),
            sqlite_where=sa.text(OPEN_TASK),
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
    # The task's copy of its subject's people in the subject's slot order (PipelineSubject.__people__),
    # kept by the subject's triggers (subject_ddl) on every task of the subject, closed ones too;
    # never set by the application.
    person_1_id: Mapped[int | None] = mapped_column(deferred=True)
    person_2_id: Mapped[int | None] = mapped_column(deferred=True)
    person_3_id: Mapped[int | None] = mapped_column(deferred=True)

    @classmethod
    def people(cls):
        """The task's copy of its subject's people, slot by slot."""
        return (cls.person_1_id, cls.person_2_id, cls.person_3_id)

    @classmethod
    def of_subject(cls, subject_type):
        """The tasks of one subject type. The type as a literal: a prepared statement's generic plan
        can then use the indexes that lead with it."""
        return cls.subject_type == sa.literal_column(f"'{subject_type}'")

    @classmethod
    def scope_clause_for(cls, subject_model, visible_ids):
        """Tasks of `subject_model` whose subject the viewer may see (its scope_clause), asked of the
        task's copy of its subject's people: a walk over an index that holds them looks up no subject."""
        slots = cls.people()[: len(subject_model.__people__)]
        return sa.or_(
            *(slot.in_(visible_ids) for slot in slots), cls.subject_id.in_(subject_model.responsible_ids(visible_ids))
        )

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def is_overdue(self):
        return self.closed_at is None and self.deadline < utcnow()
