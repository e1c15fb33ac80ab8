"""Subjects for the other domains, by type, without importing their models: a subject looked up by id
or by its key (a card's number, `__subject_key__`) among those a person may see."""

from sqlalchemy import select

from extensions import db
from models.pipeline import subject_model
from services.platform import access


def model(subject_type):
    return subject_model(subject_type)


def key_column(subject_type):
    """The column people know a subject by (a card's number)."""
    subject = subject_model(subject_type)
    return getattr(subject, subject.__subject_key__)


def _visible(user, subject_type, column, *conditions):
    subject = subject_model(subject_type)
    query = select(column).where(*conditions, subject.deleted_at.is_(None))
    return db.session.scalar(access.scope(user, query, subject))


def visible_id(user, subject_type, subject_id):
    """The id of the live subject with this id in the user's scope, or None."""
    subject = subject_model(subject_type)
    return _visible(user, subject_type, subject.id, subject.id == subject_id)


def id_by_key(user, subject_type, key):
    """The id of the live subject with this key in the user's scope, or None."""
    subject = subject_model(subject_type)
    return _visible(user, subject_type, subject.id, key_column(subject_type) == key)


def key_of(user, subject_type, subject_id):
    """The key of the live subject with this id in the user's scope, or ""."""
    subject = subject_model(subject_type)
    return _visible(user, subject_type, key_column(subject_type), subject.id == subject_id) or ""
