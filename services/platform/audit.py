"""One session hook writes the change log for every audited record, whoever changes it.

The acting user comes from the request (Flask-Login) or, for jobs and CLI, from `acting_as`.
"""

import contextvars
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from models.platform.audit import ChangeLog

_actor = contextvars.ContextVar("audit_actor", default=None)


class HistoryRow(NamedTuple):
    at: datetime
    user: object  # models.platform.user.NamedPerson, None for the system
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


MAX_VALUE = 500
ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted"), "reveal": _l("revealed")}


@contextmanager
def acting_as(user_id):
    token = _actor.set(user_id)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor_id():
    explicit = _actor.get()
    if explicit is not None:
        return explicit
    try:
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id
    except (RuntimeError, AttributeError):
        pass
    return None


def _text(value):
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif hasattr(value, "id") and hasattr(value, "__table__"):
        text = f"{value} (#{value.id})"
    else:
        text = str(value)
    return text[:MAX_VALUE]


def record_event(session, obj, action, field=None):
    """A change log row for something done to a record without changing it (a reading of a card's
    full number): who, when, which record and field."""
    session.add(
        ChangeLog(user_id=current_actor_id(), entity=_entity(obj), entity_id=str(obj.id), action=action, field=field)
    )


def record_created(session, table, ids):
    """ "created" rows of many records written by one bulk statement (which the session hook does not
    see): who and when, one row each."""
    from services.platform import bulk

    actor = current_actor_id()
    rows = [{"user_id": actor, "entity": table, "entity_id": str(record_id), "action": "create"} for record_id in ids]
    if rows:
        bulk.insert_rows(ChangeLog, rows)


def _columns(obj):
    mapper = inspect(obj).mapper
    excluded = getattr(obj, "__audit_exclude__", frozenset())
    return [attr for attr in mapper.column_attrs if attr.key not in excluded]


def _entity(obj):
    return obj.__tablename__


def _field_changes(session, obj):
    state = inspect(obj)
    changed = [(attr, state.attrs[attr.key].history) for attr in _columns(obj)]
    changed = [(attr, history) for attr, history in changed if history.has_changes()]
    # Set on an expired record (after a commit), the old value was never loaded: read it from the row.
    unloaded = [attr for attr, history in changed if state.committed_state.get(attr.key) is NO_VALUE]
    stored = _stored_values(session, state, unloaded) if unloaded else {}
    for attr, history in changed:
        old = stored[attr.key] if attr.key in stored else (history.deleted[0] if history.deleted else None)
        new = history.added[0] if history.added else None
        if old != new:
            yield attr.key, _text(old), _text(new)


def _stored_values(session, state, attrs):
    mapper = state.mapper
    row = session.execute(
        select(*(attr.columns[0] for attr in attrs)).where(
            *(column == value for column, value in zip(mapper.primary_key, state.identity, strict=True))
        )
    ).one()
    return {attr.key: value for attr, value in zip(attrs, row, strict=True)}


def _before_flush(session, flush_context, instances):
    actor = current_actor_id()
    pending = session.info.setdefault("audit_new", [])
    for obj in list(session.new):
        if getattr(obj, "__audited__", False):
            if actor is not None and getattr(obj, "created_by_id", None) is None:
                obj.created_by_id = actor
            pending.append(obj)
    for obj in list(session.dirty):
        if not getattr(obj, "__audited__", False) or not session.is_modified(obj, include_collections=False):
            continue
        changes = list(_field_changes(session, obj))
        if not changes:
            continue
        if actor is not None:
            obj.updated_by_id = actor
        for field, old, new in changes:
            action = "delete" if field == "deleted_at" and new else "update"
            session.add(
                ChangeLog(
                    user_id=actor,
                    entity=_entity(obj),
                    entity_id=str(obj.id),
                    action=action,
                    field=field,
                    old_value=old,
                    new_value=new,
                )
            )
    for obj in list(session.deleted):
        if getattr(obj, "__audited__", False):
            session.add(
                ChangeLog(
                    user_id=actor,
                    entity=_entity(obj),
                    entity_id=str(obj.id),
                    action="delete",
                    old_value=_text(str(obj)),
                )
            )


def _after_flush(session, flush_context):
    # New rows have their ids only now; log them in the same transaction.
    pending = session.info.pop("audit_new", [])
    if not pending:
        return
    actor = current_actor_id()
    rows = []
    for obj in pending:
        values = {attr.key: _text(getattr(obj, attr.key)) for attr in _columns(obj)}
        summary = "; ".join(f"{k}={v}" for k, v in values.items() if v not in (None, "") and k != "id")
        rows.append(
            {
                "user_id": actor,
                "entity": _entity(obj),
                "entity_id": str(obj.id),
                "action": "create",
                "new_value": summary[:2000],
                "at": _now(),
            }
        )
    session.connection().execute(ChangeLog.__table__.insert(), rows)


def _now():
    from models.base import utcnow

    return utcnow()


def init_app(app):
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


def history(entity, entity_id, limit=200):
    """The record's change log, newest first: rows of (at, user, action, field, old_value,
    new_value), the author by name (None for the system); columns, not objects."""
    from extensions import db
    from models.platform.user import NamedPerson, User

    rows = db.session.execute(
        select(
            ChangeLog.at,
            ChangeLog.action,
            ChangeLog.field,
            ChangeLog.old_value,
            ChangeLog.new_value,
            ChangeLog.user_id,
            User.full_name,
            User.username,
        )
        .outerjoin(User, User.id == ChangeLog.user_id)
        .where(ChangeLog.entity == entity, ChangeLog.entity_id == str(entity_id))
        .order_by(ChangeLog.id.desc())
        .limit(limit)
    )
    return [
        HistoryRow(
            row.at,
            NamedPerson.of(row.user_id, row.full_name, row.username),
            row.action,
            row.field,
            row.old_value,
            row.new_value,
        )
        for row in rows
    ]
