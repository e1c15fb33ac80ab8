"""Exportable lists backed by Flask-Admin model views (staff, contractors, banks, change log).

The rows come from the view's own `get_list` with the page's search, filters and sort read from
the query string, and its own scoped `get_query` — run for the exporting user in a request
context made for him, so the file holds exactly what his list page holds. The change log is
large: it is read in keyset batches by id (newest first) instead of the page's sort."""

from flask import current_app, g
from flask_babel import lazy_gettext as _l

from services.exports import registry as exports
from services.exports.registry import localized


def _view(endpoint):
    from extensions import admin

    for view in admin._views:
        if view.endpoint == endpoint:
            return view
    raise exports.ExportError(_l("Unknown list."))


def _value(record, path):
    value = record
    for part in path.split("."):
        value = getattr(value, part, None) if value is not None else None
    if hasattr(value, "name_uk"):
        return localized(value)
    if value is not None and hasattr(value, "__table__"):
        return str(value)
    return value


def _list_args(args):
    """The list page's query string for its export, which holds every page whatever page it was on."""
    return {name: value for name, value in args.items() if name != "page"}


def view_rows(endpoint, fields, large=False, convert_batch=None):
    """rows(user, args) for the model view `endpoint`; `fields` are attribute paths or callables, or
    `convert_batch(records)` gives the rows of a batch of records at once."""

    def convert(record):
        return tuple(field(record) if callable(field) else _value(record, field) for field in fields)

    def rows(user, args):
        view = _view(endpoint)
        with current_app.test_request_context(view.url + "/", query_string=_list_args(args)):
            g._login_user = user
            extra = view._get_list_extra_args()
            sort = None if large else view._get_column_by_idx(extra.sort)
            _count, query = view.get_list(
                0, sort[0] if sort else None, bool(extra.sort_desc), extra.search, extra.filters,
                execute=False, page_size=0,
            )  # fmt: skip
        if large:
            yield from exports.keyset(
                query.statement, view.model.id, convert=convert, entities=True, convert_batch=convert_batch
            )
        elif convert_batch is not None:
            yield from convert_batch(query.all())
        else:
            yield from (convert(record) for record in query.all())

    return rows


def generic_view_rows(endpoint):
    """rows(user, args) of any model view by its own export columns and formatters (small lists:
    org structure, roles, pipelines, stages, schedules), made in a request context of the user."""

    def rows(user, args):
        view = _view(endpoint)
        with current_app.test_request_context(view.url + "/", query_string=_list_args(args)):
            g._login_user = user
            extra = view._get_list_extra_args()
            sort = view._get_column_by_idx(extra.sort)
            _count, records = view.get_list(
                0, sort[0] if sort else None, bool(extra.sort_desc), extra.search, extra.filters, page_size=0
            )
            names = [name for name, _label in view.get_export_columns()]
            result = [tuple(_plain(view.get_export_value(record, name)) for name in names) for record in records]
        yield from result

    return rows


def _plain(value):
    """Formatters may return markup; the file gets its text."""
    return str(value.striptags()) if hasattr(value, "striptags") else value


def register_model_views(views):
    """Give every model list without a hand-made export one from its own columns."""
    for view in views:
        if getattr(view, "export_key", None) or not hasattr(view, "get_export_columns"):
            continue
        view.export_key = view.endpoint
        view.list_template = "admin/exports/model_list.html"
        labels = [label for _name, label in view.get_export_columns()]
        exports.register(view.endpoint, view.name, view.permission, labels, generic_view_rows(view.endpoint))
