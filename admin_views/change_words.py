"""The change log in words: what kind of record changed and which one, the field's label, and the
values as people read them — a stage's name, a person's name, yes or no, a status's label, a time in
the viewer's zone — never a table name, a column, an id or a UTC string.

Each domain describes its audited tables in its admin_views init_app with `describe(...)`: the
record's name, and the labels and value labels its list pages do not already give (a table's labels
default to the column labels of the model view named by `view`). A field with no label is left out
of the words: it is bookkeeping (tests/platform/test_change_words.py lists none is missing)."""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, select
from sqlalchemy.orm import lazyload

from extensions import db
from services.platform.timezones import format_local

TABLES = {}
COMMON = {
    "name": _l("Name"),
    "is_active": _l("Active"),
    "notes": _l("Notes"),
    "deleted_at": _l("Deleted"),
}


@dataclass
class Described:
    record: object
    labels: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    view: str | None = None


def describe(table, record, labels=None, choices=None, view=None):
    """`table`'s rows are called `record` (e.g. "Card"); `labels` {column: label} add to the view's
    column labels; `choices` {column: {stored value: label}}."""
    TABLES[table] = Described(record, dict(labels or {}), dict(choices or {}), view)


def _model(table):
    return next(
        (m.class_ for m in db.Model.registry.mappers if getattr(m.class_, "__tablename__", None) == table), None
    )


def _view_labels(endpoint):
    from extensions import admin

    for view in admin._views:
        if view.endpoint == endpoint:
            return dict(getattr(view, "column_labels", None) or {})
    return {}


def field_label(table, name):
    """The label of `table`.`name`, or None for bookkeeping no one reads."""
    described = TABLES.get(table)
    if described is None or not name:
        return None
    if name in described.labels:
        return described.labels[name]
    labels = _view_labels(described.view) if described.view else {}
    stem = name.removesuffix("_id")
    return labels.get(name) or labels.get(stem) or COMMON.get(name)


def record_name(table):
    described = TABLES.get(table)
    return described.record if described else _("Record")


@dataclass
class ChangeText:
    record_type: str
    record: str
    field: str
    old: str
    new: str


class ChangeWords:
    """Words for a page of change log rows: every record and referenced row is read once, by kind."""

    def __init__(self, rows, zone=None):
        self.rows, self.zone, self._models = list(rows), zone, {}
        wanted = {}  # model → ids
        for row in self.rows:
            model = self._model(row.entity)
            if model is not None and str(row.entity_id).isdigit():
                wanted.setdefault(model, set()).add(int(row.entity_id))
            target = self._target(row.entity, row.field)
            if target is not None:
                for value in (row.old_value, row.new_value):
                    if value and str(value).isdigit():
                        wanted.setdefault(target, set()).add(int(value))
        self.names = {model: self._names(model, ids) for model, ids in wanted.items()}

    @staticmethod
    def _names(model, ids):
        # The rows alone: a name needs none of their relations (a person's role and memberships).
        rows = db.session.scalars(select(model).where(model.id.in_(sorted(ids))).options(lazyload("*"))).all()
        return {row.id: str(row) for row in rows}

    def _model(self, table):
        if table not in self._models:
            self._models[table] = _model(table)
        return self._models[table]

    def _column(self, table, name):
        model = self._model(table)
        return model.__table__.columns.get(name) if model is not None and name else None

    def _target(self, table, name):
        column = self._column(table, name)
        if column is None or not column.foreign_keys:
            return None
        return self._model(next(iter(column.foreign_keys)).column.table.name)

    def of(self, row):
        model = self._model(row.entity)
        record = self.names.get(model, {}).get(int(row.entity_id)) if str(row.entity_id).isdigit() else None
        label = field_label(row.entity, row.field)
        return ChangeText(
            record_type=str(record_name(row.entity)),
            record=record or "—",
            field=str(label) if label else "",
            old=self.value(row.entity, row.field, row.old_value),
            new=self.value(row.entity, row.field, row.new_value),
        )

    def value(self, table, name, text):
        if text is None or text == "":
            return "—"
        described = TABLES.get(table)
        if described and name in described.choices:
            return str(described.choices[name].get(text, text))
        target = self._target(table, name)
        if target is not None:
            return self.names.get(target, {}).get(int(text), "—") if str(text).isdigit() else text
        column = self._column(table, name)
        kind = type(column.type) if column is not None else None
        if kind is Boolean or (kind is None and text in ("True", "False")):
            return _("yes") if text in ("True", "1", "true") else _("no")
        if kind is DateTime:
            try:
                return format_local(datetime.fromisoformat(text), self.zone)
            except ValueError:
                return text
        if kind is Date:
            return text[:10]
        return text

    def __iter__(self):
        return (self.of(row) for row in self.rows)


def shown(row):
    """Whether a change log row is one people read: a record made or deleted, or a labelled field."""
    return not row.field or field_label(row.entity, row.field) is not None


def record_history(table, record_id, rows, zone=None):
    """[(row, ChangeText)] of one record's history rows (services.platform.audit.history), newest
    first, bookkeeping left out."""
    items = [
        SimpleNamespace(
            entity=table, entity_id=record_id, field=row.field, old_value=row.old_value, new_value=row.new_value
        )
        for row in rows
    ]
    words = ChangeWords(items, zone)
    return [(row, words.of(item)) for row, item in zip(rows, items, strict=True) if shown(item)]


def page_of_changes(rows, zone=None):
    """[(row, ChangeText)] of change log rows (ChangeLog), bookkeeping left out."""
    words = ChangeWords(rows, zone)
    return [(row, words.of(row)) for row in words.rows if shown(row)]
