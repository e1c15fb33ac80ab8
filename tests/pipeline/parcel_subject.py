"""A second pipeline subject that lives only in the tests: parcels, with a courier and a dispatcher,
on a three-stage pipeline of their own. It proves that a new subject needs no change of the engine:
its model declares itself (PipelineSubject), its table and triggers come from that declaration
(subject_ddl), its pipeline and permissions are data.

Its table is not in the application's metadata (the migrations know nothing of it): it is created
for each test that uses it and dropped after."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, foreign, mapped_column, relationship

from extensions import db
from models.base import SoftDeleteMixin, VersionMixin, utcnow
from models.pipeline import Pipeline, PipelineSubject, Stage, StageMove, subject_ddl
from models.platform import Role, RolePermission
from services.platform import access

PERMISSIONS = {
    "parcels.view": "See parcels",
    "parcels.move": "Move own parcels",
    "parcels.move_any": "Move any parcel",
}
ROLES = ("courier", "dispatcher")


class TestBase(DeclarativeBase):
    pass


class Parcel(PipelineSubject, SoftDeleteMixin, VersionMixin, TestBase):
    __tablename__ = "test_parcels"
    __subject_type__ = "parcel"
    __subject_key__ = "label"
    __people__ = {"courier": "courier_id", "dispatcher": "dispatcher_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    courier_id: Mapped[int | None] = mapped_column()
    dispatcher_id: Mapped[int | None] = mapped_column()
    pipeline_id: Mapped[int] = mapped_column(nullable=False)
    stage_id: Mapped[int] = mapped_column(nullable=False)
    stage = relationship(Stage, primaryjoin=lambda: foreign(Parcel.stage_id) == Stage.id, lazy="joined")
    bucket: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="new")
    stage_entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow, nullable=False)
    delivered_on: Mapped[dt.date | None] = mapped_column()

    @classmethod
    def waiting_clause(cls):
        return (cls.delivered_on.is_(None),)


def create_table(engine):
    """The parcels' table and the triggers its declaration gives."""
    TestBase.metadata.create_all(engine)
    with engine.begin() as connection:
        for statement in subject_ddl.up(connection.dialect.name, Parcel.subject_table()):
            connection.execute(sa.text(statement))


def drop_table(engine):
    with engine.begin() as connection:
        for statement in subject_ddl.down(connection.dialect.name, Parcel.subject_table()):
            connection.execute(sa.text(statement))
    TestBase.metadata.drop_all(engine)


def make_pipeline():
    """The parcels' pipeline: packed → on the way → delivered; the courier and dispatcher roles, the
    parcels' permissions granted to both."""
    access.register_permissions(PERMISSIONS)
    for code in ROLES:
        role = Role(code=code, name_uk=code)
        role.grants = [RolePermission(permission=name) for name in PERMISSIONS]
        db.session.add(role)
    pipeline = Pipeline(
        code="parcels",
        subject_type="parcel",
        view_permission="parcels.view",
        move_permission="parcels.move",
        move_any_permission="parcels.move_any",
        name_uk="Посилки",
    )
    specs = (
        ("packed", "dispatcher", "new", False),
        ("on_the_way", "courier", "in_work", False),
        ("delivered", "dispatcher", "archive", True),
    )
    stages = [
        Stage(
            pipeline=pipeline,
            code=code,
            position=position,
            responsible_role=role,
            bucket=bucket,
            is_final=final,
            deadline_days=1,
            name_uk=code,
        )
        for position, (code, role, bucket, final) in enumerate(specs, start=1)
    ]
    db.session.add_all(stages)
    db.session.flush()
    for before, after in zip(stages, stages[1:], strict=False):
        db.session.add(StageMove(from_stage_id=before.id, to_stage_id=after.id))
    db.session.commit()
    return pipeline
