"""The owner's searchable change log, in words (admin_views.change_words). Read-only; never counts
the whole table."""

from flask import g
from flask_admin.contrib.sqla import filters as sqla
from flask_babel import lazy_gettext as _l

from admin_views.base import SecuredModelView
from admin_views.change_words import TABLES, ChangeWords
from models.platform.audit import ChangeLog
from services.platform.audit import ACTION_LABELS

# Fields that follow another and are not worth a line (older rows kept them).
BOOKKEEPING = ("bucket", "path", "version")


def _record_types():
    return sorted(((table, str(described.record)) for table, described in TABLES.items()), key=lambda item: item[1])


def _words(attribute):
    """A list column read from the page's words, made once per page in get_list."""

    def formatter(view, context, model, name):
        words = getattr(g, "change_words", None)
        return getattr(words.of(model), attribute) if words is not None else ""

    return formatter


class ChangeLogView(SecuredModelView):
    permission = "audit.view"
    list_template = "admin/exports/model_list.html"
    export_key = "changelog"
    can_view_details = False
    simple_list_pager = True
    column_list = ("at", "user", "action", "entity", "entity_id", "field", "old_value", "new_value")
    # Named user columns only: "user" alone would offer filters on password hashes and TOTP secrets.
    column_filters = (
        "at",
        "user.username",
        "user.full_name",
        "action",
        sqla.FilterEqual(ChangeLog.entity, _l("Record type"), options=_record_types),
    )
    column_searchable_list = ("old_value", "new_value")
    column_default_sort = ("id", True)
    column_formatters = {
        "action": lambda v, c, m, n: ACTION_LABELS.get(m.action, m.action),
        "entity": _words("record_type"),
        "entity_id": _words("record"),
        "field": _words("field"),
        "old_value": lambda v, c, m, n: _words("old")(v, c, m, n) if m.field else "",
        "new_value": lambda v, c, m, n: _words("new")(v, c, m, n) if m.field else "",
    }
    column_labels = {
        "at": _l("When"),
        "user": _l("Who"),
        "user.username": _l("Who (username)"),
        "user.full_name": _l("Who (full name)"),
        "action": _l("Action"),
        "entity": _l("Record type"),
        "entity_id": _l("Record"),
        "field": _l("Field"),
        "old_value": _l("Was"),
        "new_value": _l("Became"),
    }

    def narrow(self, query):
        return query.filter(ChangeLog.field.is_(None) | ChangeLog.field.not_in(BOOKKEEPING))

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True) is not False:
            rows = list(rows)
            g.change_words = ChangeWords(rows)
        return count, rows
