"""A pipeline's definition as data: pipelines, their ordered stages, each stage's modal fields and the
moves allowed from it."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, LocalizedLabel, current_language

FIELD_TYPES = ("text", "number", "money", "date", "choice", "user", "bool")


class Pipeline(Audited, LocalizedLabel, db.Model):
    __tablename__ = "pipelines"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    # What travels through it (a PipelineSubject's type), and the permissions that open its board and
    # move its subjects: their own, or anyone's (the policy's vocabulary, services/platform/access.py).
    subject_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    view_permission: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    move_permission: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    move_any_permission: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    stages = relationship("Stage", back_populates="pipeline", order_by="Stage.position", lazy="selectin")


class Stage(Audited, LocalizedLabel, db.Model):
    __tablename__ = "stages"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)
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
    # An in-stage step (its button's label; none without it): it records the modal's values in the
    # history like a move, keeps the subject on the stage and gives it a task due the next day.
    step_label_uk: Mapped[str | None] = mapped_column(sa.String(160))
    step_label_ru: Mapped[str | None] = mapped_column(sa.String(160))
    step_label_en: Mapped[str | None] = mapped_column(sa.String(160))
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
    def step_label(self):
        """The in-stage step's label in the language in force; None when the stage has no step."""
        return getattr(self, f"step_label_{current_language()}", None) or self.step_label_uk

    @property
    def allowed_targets(self):
        return [move.to_stage for move in self.moves if not move.back]

    @property
    def send_back_targets(self):
        return [move.to_stage for move in self.moves if move.back]


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
    # Required only when another field of the modal has a value: "answer_received=yes".
    required_if: Mapped[str | None] = mapped_column(sa.String(80))
    # A money field whose amount books an entry of this kind for the subject (a card's "top_up"),
    # dated by the date field named in `books_on`; the subject's domain does the booking.
    books: Mapped[str | None] = mapped_column(sa.String(20))
    books_on: Mapped[str | None] = mapped_column(sa.String(40))
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
    # Allowed only when a field of the modal has a value: "answer_received=yes".
    condition: Mapped[str | None] = mapped_column(sa.String(80))
    # A move back (a correction): offered only to who may move any subject, and asks for no values.
    back: Mapped[bool] = mapped_column(default=False, nullable=False, server_default=sa.false())
