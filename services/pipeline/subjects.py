"""Subjects for the other domains, by type, without importing their models: a subject looked up by id
or by its key (a card's number, `__subject_key__`) among those a person may see, and the choices of a
picker that finds them by what people remember (a subject's domain registers how: `register_search`)."""

from dataclasses import dataclass

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


_LABELS = {}
_PAGES = {}


def register_page(subject_type, pattern):
    """The path of a subject's page, with `{id}` (a notification's link)."""
    _PAGES[subject_type] = pattern


def page_of(subject_type, subject_id):
    pattern = _PAGES.get(subject_type)
    return pattern.format(id=subject_id) if pattern else ""


def register_label(subject_type, label):
    """What people call the subjects of this type ("Cards"), for the pipelines' pages."""
    _LABELS[subject_type] = label


def label(subject_type):
    return _LABELS.get(subject_type, subject_type)


@dataclass(frozen=True)
class Search:
    condition: object  # term → the SQL condition of the subjects it finds, or None for none
    label: tuple  # the columns a choice is shown by, joined with " — " (the key first)


_SEARCHES = {}


def register_search(subject_type, condition, *label):
    _SEARCHES[subject_type] = Search(condition, label)


def _label(values):
    return " — ".join(str(value) for value in values if value)


def choices(user, subject_type, term, limit=10, offset=0):
    """[(id, label)] of the live subjects in the user's scope that `term` finds, newest first."""
    search, subject = _SEARCHES[subject_type], subject_model(subject_type)
    condition = search.condition(term)
    if condition is None:
        return []
    query = select(subject.id, *search.label).where(condition, subject.deleted_at.is_(None))
    query = access.scope(user, query, subject).order_by(subject.id.desc()).offset(offset).limit(limit)
    return [(row[0], _label(row[1:])) for row in db.session.execute(query)]


def label_of(subject_type, subject_id):
    """The label of the subject with this id, whoever's it is (for a record that names it already)."""
    search, subject = _SEARCHES[subject_type], subject_model(subject_type)
    row = db.session.execute(select(*search.label).where(subject.id == subject_id)).first()
    return _label(row) if row else ""


def choice_of(user, subject_type, subject_id):
    """(id, label) of the live subject with this id in the user's scope, or None."""
    search, subject = _SEARCHES[subject_type], subject_model(subject_type)
    query = select(subject.id, *search.label).where(subject.id == subject_id, subject.deleted_at.is_(None))
    row = db.session.execute(access.scope(user, query, subject)).first()
    return (row[0], _label(row[1:])) if row else None
