"""The pipeline engine's data: pipelines, ordered stages with field specs, allowed moves, and the
stage tasks that record every step of every subject (a card now, a client later)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, LocalizedLabel, current_language, utcnow
from models.card import CardResponsible

FIELD_TYPES = ("text", "number", "money", "date", "choice", "user", "bool")


class Pipeline(Audited, LocalizedLabel, db.Model):
    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    stages = relationship("Stage", back_populates="pipeline", order_by="Stage.position", lazy="selectin")


class Stage(Audited, LocalizedLabel, db.Model):
    __tablename__ = "stages"
    __table_args__ = (sa.UniqueConstraint("pipeline_id", "code", name="uq_stages_pipeline_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(sa.ForeignKey("pipelines.id"), nullable=False, index=True)
    pipeline = relationship(Pipeline, back_populates="stages")
    code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    responsible_role: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="agent")
    color: Mapped[str] = mapped_column(sa.String(9), nullable=False, default="#6c757d")
    bucket: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="in_work")
    transactions_allowed: Mapped[bool] = mapped_column(default=False, nullable=False)
    # A deadline or a period beyond ten years is a typing error (and past what a date can hold).
    deadline_days: Mapped[int] = mapped_column(default=1, nullable=False, info={"range": (0, 3650)})
    periodic_interval_days: Mapped[int | None] = mapped_column(info={"range": (1, 3650)})
    deadline_rollover: Mapped[bool] = mapped_column(default=False, nullable=False)
    is_final: Mapped[bool] = mapped_column(default=False, nullable=False)
    fields = relationship(
        "StageField",
        back_populates="stage",
        order_by="StageField.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    moves = relationship(
        "StageMove", foreign_keys="StageMove.from_stage_id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def allowed_targets(self):
        return [move.to_stage for move in self.moves]


class StageField(db.Model):
    """One input of the modal that leaves (or edits) a stage."""

    __tablename__ = "stage_fields"
    __table_args__ = (sa.UniqueConstraint("stage_id", "name", name="uq_stage_fields_stage_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="CASCADE"), nullable=False, index=True)
    stage = relationship(Stage, back_populates="fields")
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    name: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    label_uk: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    label_ru: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="")
    label_en: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="")
    type: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="text")
    required: Mapped[bool] = mapped_column(default=False, nullable=False)
    # choice fields: one "value|uk|ru|en" per line
    choices: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def label(self):
        return getattr(self, f"label_{current_language()}", None) or self.label_uk

    def choice_list(self):
        return choice_pairs(self.choices)


def choice_pairs(choices):
    """[(value, label in the language in force)] of a choice field's "value|uk|ru|en" lines."""
    index = {"uk": 1, "ru": 2, "en": 3}.get(current_language(), 1)
    result = []
    for line in (choices or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if parts and parts[0]:
            label = parts[index] if len(parts) > index and parts[index] else (parts[1] if len(parts) > 1 else parts[0])
            result.append((parts[0], label))
    return result


class StageMove(db.Model):
    __tablename__ = "stage_moves"
    __table_args__ = (sa.UniqueConstraint("from_stage_id", "to_stage_id", name="uq_stage_moves_from_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="CASCADE"), nullable=False)
    to_stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="CASCADE"), nullable=False)
    to_stage = relationship(Stage, foreign_keys=[to_stage_id], lazy="joined")


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
        # A periodic task (jobs/pipeline_jobs.py) carries its period: a second run of the job in
        # the same period, from whatever scheduler or retry, cannot add another one.
        sa.Index("uq_stage_tasks_period", "subject_type", "subject_id", "period_key", unique=True),
        sa.Index(
            "ix_stage_tasks_assignee_open",
            "assignee_id",
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        ),
        # The auto-tasks tab: newest first, by period, responsible person or stage (keyset pages).
        # Its walk reads the card and its people from the index (services/auto_tasks.py).
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
        # A scoped board column's walk (services/board_statements.py) reads only this index: the
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
