"""Org hierarchy: offices → departments → positions; memberships place people in the tree."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, LocalizedLabel

PATH_TYPE = sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")
DEPARTMENT_KINDS = ("acquisition", "sales", "back_office", "hr", "mpm", "operations")


class Office(Audited, db.Model):
    __tablename__ = "offices"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True, nullable=False)
    city: Mapped[str | None] = mapped_column(sa.String(120))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)
    departments = relationship("Department", back_populates="office", lazy="selectin")

    def __str__(self):
        return self.name


class Department(Audited, db.Model):
    __tablename__ = "departments"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)
    __table_args__ = (sa.UniqueConstraint("office_id", "name", name="uq_departments_office_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True, nullable=False)
    office = relationship(Office, back_populates="departments")
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="sales")

    def __str__(self):
        return f"{self.name} ({self.office.name})" if self.office else self.name


class Position(Audited, LocalizedLabel, db.Model):
    __tablename__ = "positions"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    rank: Mapped[int] = mapped_column(nullable=False, default=0)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("roles.id"), nullable=False)
    role = relationship("Role", lazy="joined")


class Membership(Audited, db.Model):
    """A person's position in one office; `path` is the materialized path of reports-to ids."""

    __tablename__ = "memberships"
    __audit_exclude__ = Audited.__audit_exclude__ | {"path"}  # follows "reports to"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)
    __table_args__ = (
        sa.UniqueConstraint("user_id", "office_id", "position_id", name="uq_memberships_user_office_position"),
        sa.Index("ix_memberships_path", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True, nullable=False)
    user = relationship("User", back_populates="memberships", foreign_keys=[user_id])
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True, nullable=False)
    office = relationship(Office, lazy="joined")
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    department = relationship(Department, lazy="joined")
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"), nullable=False)
    position = relationship(Position, lazy="joined")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("memberships.id"), index=True)
    parent = relationship("Membership", remote_side=[id], lazy="joined", join_depth=1)
    # Byte order ("C") so that a subtree is one index range on PostgreSQL, as it is on SQLite.
    path: Mapped[str] = mapped_column(PATH_TYPE, nullable=False, default="/")

    def __str__(self):
        where = self.department.name if self.department else (self.office.name if self.office else "")
        return f"{self.user} — {self.position} ({where})"
