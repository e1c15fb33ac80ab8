"""What a model declares to travel through a pipeline (a *subject*): its type, its people, the role
each person stands for, and from these its scope rule and a stage's responsible person. The engine
reads only this declaration; it never names a subject.

    class Card(PipelineSubject, ..., db.Model):
        __subject_type__ = "card"
        __people__ = {"agent": "agent_id", "manager": "manager_id", "accountant": "accountant_id"}

`__subject_key__` names the column people know a subject by (a card's number). `__people__` maps a
role code to the column holding that person, in slot order (at most
subject_ddl.PEOPLE_SLOTS). Whoever sees one of them, or a person chosen as responsible for one of the
subject's stages (`stage_responsibles`), sees the subject. A subject has `id`, `pipeline_id`,
`stage_id`/`stage`, `bucket`, `stage_entered_at`, `version` and `deleted_at`."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from extensions import db
from models.pipeline.subject_ddl import SubjectTable

# subject type → model, filled as subject models are defined.
SUBJECTS = {}


class StageResponsible(db.Model):
    """A person chosen for one stage of one subject, in place of the one the stage's role would give."""

    __tablename__ = "stage_responsibles"
    __table_args__ = (
        sa.Index("ix_stage_responsibles_user", "user_id", "subject_type", "subject_id"),
        sa.Index("ix_stage_responsibles_user_stage", "user_id", "subject_stage_id", "subject_id"),
    )

    subject_type: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="CASCADE"), primary_key=True)
    stage = relationship("Stage", lazy="joined")
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    user = relationship("User", lazy="joined")
    # The subject's current stage while it is live (NULL once deleted), kept by the subject's
    # triggers (subject_ddl) — never set it here. Boards find the subjects a person is responsible
    # for on the board by it, without visiting his archived ones.
    subject_stage_id: Mapped[int | None] = mapped_column(
        server_default=sa.FetchedValue(), server_onupdate=sa.FetchedValue()
    )


class PipelineSubject:
    __subject_type__: str
    __subject_key__: str
    __people__: dict

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "__tablename__", None) and "__subject_type__" in cls.__dict__:
            SUBJECTS[cls.__subject_type__] = cls

    @declared_attr
    def responsibles(cls):
        return relationship(
            StageResponsible,
            primaryjoin=lambda: sa.and_(
                StageResponsible.subject_type == cls.__subject_type__,
                sa.orm.foreign(StageResponsible.subject_id) == cls.id,
            ),
            cascade="all, delete-orphan",
            lazy="selectin",
            # Each subject writes its own rows (its type in the join): the subjects' relationships to
            # the one table never write each other's.
            overlaps="responsibles",
        )

    @classmethod
    def subject_table(cls):
        """The declaration as the trigger helper (subject_ddl) reads it."""
        return SubjectTable(cls.__tablename__, cls.__subject_type__, tuple(cls.__people__.values()))

    @classmethod
    def scope_people(cls):
        """The subject's people columns whose visibility makes it visible (besides its responsibles)."""
        return tuple(getattr(cls, column) for column in cls.__people__.values())

    @classmethod
    def responsible_ids(cls, visible_ids):
        """A SELECT of the ids of the subjects for which one of `visible_ids` is a stage's chosen person."""
        return sa.select(StageResponsible.subject_id).where(
            StageResponsible.subject_type == cls.__subject_type__, StageResponsible.user_id.in_(visible_ids)
        )

    @classmethod
    def scope_clause(cls, visible_ids):
        """Subjects one of whose people, or a stage's chosen person, is among `visible_ids`."""
        return sa.or_(
            *(column.in_(visible_ids) for column in cls.scope_people()), cls.id.in_(cls.responsible_ids(visible_ids))
        )

    def scope_people_ids(self):
        """The ids of the people seen_among asks about: whoever sees one of them sees the subject."""
        ids = {getattr(self, column) for column in self.__people__.values()}
        ids.update(responsible.user_id for responsible in self.responsibles)
        return frozenset(ids - {None})

    def seen_among(self, people):
        """What scope_clause asks in SQL, asked of this loaded subject: `people` a set of user ids."""
        return not people.isdisjoint(self.scope_people_ids())

    def responsible_for(self, stage):
        """The person for a stage: the subject's own choice, else the person of the stage's role."""
        for item in self.responsibles:
            if item.stage_id == stage.id:
                return item.user_id
        column = self.__people__.get(stage.responsible_role)
        return getattr(self, column) if column else None

    def choose_responsible(self, stage_id, user_id):
        """A new choice of person for one of the subject's stages."""
        chosen = StageResponsible(subject_type=self.__subject_type__, stage_id=stage_id, user_id=user_id)
        self.responsibles.append(chosen)
        return chosen

    @classmethod
    def waiting_clause(cls):
        """Conditions on the subjects whose tasks in a roll-over stage still wait (their deadlines roll
        to the next day); every live subject by default."""
        return ()


class StageCount(db.Model):
    """Live subjects per (stage, person slots); no person is id 0.

    Kept by each subject's triggers (subject_ddl) in the transaction of whatever changes a subject —
    a move, an edit, a soft delete, a bulk statement — so a board's counts are a SUM over a few
    thousand rows instead of a scan of every live subject. A stage belongs to one pipeline, and a
    pipeline to one subject type, so the slots mean that subject's people."""

    __tablename__ = "stage_counts"

    stage_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    person_1_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    person_2_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    person_3_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    subjects: Mapped[int] = mapped_column(nullable=False, default=0)

    @classmethod
    def people(cls):
        return (cls.person_1_id, cls.person_2_id, cls.person_3_id)


def subject_model(subject_type):
    """The model of a subject type; KeyError for an unknown one."""
    return SUBJECTS[subject_type]
