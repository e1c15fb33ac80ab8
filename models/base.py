"""Shared mixins. Times are naive UTC in the database and converted for display."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)


class AuthorMixin:
    """Filled by the audit hook from the acting user; never by views."""

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id", use_alter=True), nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id", use_alter=True), nullable=True)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class VersionMixin:
    """Optimistic lock: a stale UPDATE raises StaleDataError instead of overwriting."""

    version: Mapped[int] = mapped_column(default=1, nullable=False, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Audited(TimestampMixin, AuthorMixin):
    """Business record: timestamps, author and a change log row for every change."""

    __audited__ = True
    __audit_exclude__: frozenset = frozenset({"created_at", "updated_at", "created_by_id", "updated_by_id", "version"})


def current_language():
    """The request's UI language; the default outside a request (jobs, CLI)."""
    from flask import has_request_context
    from flask_babel import get_locale

    if not has_request_context():
        return "uk"
    locale = get_locale()  # its language, not str(locale): a page asks for every label, and str() is slow
    return locale.language if locale else "uk"


class LocalizedLabel:
    """Reference data carries its own uk/ru/en labels; `label` picks the current locale."""

    name_uk: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    name_ru: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    name_en: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")

    @property
    def label(self):
        return getattr(self, f"name_{current_language()}", None) or self.name_uk

    def __str__(self):
        return self.label
