"""People and their access: roles (access profiles), users, sessions, sign-in records."""

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from extensions import db
from models.base import Audited, LocalizedLabel, SoftDeleteMixin, utcnow


class Role(Audited, LocalizedLabel, db.Model):
    """An access profile: the Part A roles and one profile per Part B position."""

    __tablename__ = "roles"
    __scope__ = "all"  # every row, to whoever may open its view (access.scope_rule)
    __audit_exclude__ = Audited.__audit_exclude__

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="role")
    require_2fa: Mapped[bool] = mapped_column(default=False, nullable=False)
    grants = relationship("RolePermission", cascade="all, delete-orphan", lazy="selectin")

    @property
    def permissions(self):
        return {g.permission for g in self.grants}


class RolePermission(db.Model):
    __tablename__ = "role_permissions"

    role_id: Mapped[int] = mapped_column(sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)
    permission: Mapped[str] = mapped_column(sa.String(60), primary_key=True)


class User(Audited, SoftDeleteMixin, db.Model):
    __tablename__ = "users"
    __audit_exclude__ = Audited.__audit_exclude__ | {"password_hash", "totp_secret", "totp_last_step", "last_login_at"}
    __scope_owner__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="")
    email: Mapped[str | None] = mapped_column(sa.String(160))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    role_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roles.id"), index=True)
    role = relationship(Role, foreign_keys=[role_id], lazy="joined")
    language: Mapped[str] = mapped_column(sa.String(5), nullable=False, default="uk")
    timezone: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="Europe/Kyiv")
    is_blocked: Mapped[bool] = mapped_column(default=False, nullable=False)
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False, nullable=False)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_login_at: Mapped[datetime | None] = mapped_column()

    memberships = relationship("Membership", back_populates="user", foreign_keys="Membership.user_id", lazy="selectin")

    # Flask-Login protocol. get_id returns the server-side session token, so a session that
    # is ended (logout, block, idle) stops working even if its cookie was copied.
    session_token = None
    # services.platform.access.AccessSnapshot of a signed-in request's user (set when his session is loaded).
    access_snapshot = None

    @property
    def is_active(self):
        return not self.is_blocked and self.deleted_at is None

    @property
    def is_authenticated(self):
        return True

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return self.session_token

    @property
    def display_name(self):
        return self.full_name or self.username

    def __str__(self):
        return self.display_name


# For pages that show people by name: not their roles' grants and memberships (with offices,
# departments and positions), which the model loads eagerly for the access policy.
NAME_ONLY_LOADS = (lazyload(User.memberships), lazyload(User.role))


class NamedPerson(NamedTuple):
    """A person as a page names him, read as two columns instead of a User object."""

    id: int
    name: str

    def __str__(self):
        return self.name

    @classmethod
    def of(cls, user_id, full_name, username):
        return None if user_id is None else cls(user_id, full_name or username)


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column()


class UserSession(db.Model):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    # False until the second factor is passed, when the user has one.
    verified: Mapped[bool] = mapped_column(default=True, nullable=False)


class LoginAttempt(db.Model):
    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    ip: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    success: Mapped[bool] = mapped_column(nullable=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class CacheSignal(db.Model):
    """A version that triggers bump when what processes keep in memory changes ('access': roles,
    grants, memberships, positions, migration b1c2d3e4f507; 'directories': banks, suppliers, people's
    names and roles, migration b1c2d3e4f510)."""

    __tablename__ = "cache_signals"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
