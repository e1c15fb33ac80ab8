"""The owner's searchable change log. Read-only; never counts the whole table."""

from flask_babel import lazy_gettext as _l

from admin_views.base import SecuredModelView
from services.platform.audit import ACTION_LABELS


class ChangeLogView(SecuredModelView):
    permission = "audit.view"
    list_template = "admin/exports/model_list.html"
    export_key = "changelog"
    can_view_details = False
    simple_list_pager = True
    column_list = ("at", "user", "action", "entity", "entity_id", "field", "old_value", "new_value")
    # Named user columns only: "user" alone would offer filters on password hashes and TOTP secrets.
    column_filters = ("at", "user.username", "user.full_name", "action", "entity", "entity_id", "field")
    column_searchable_list = ("field", "old_value", "new_value")
    column_default_sort = ("id", True)
    column_formatters = {"action": lambda v, c, m, n: ACTION_LABELS.get(m.action, m.action)}
    column_labels = {
        "at": _l("When"),
        "user": _l("Who"),
        "user.username": _l("Who (username)"),
        "user.full_name": _l("Who (full name)"),
        "action": _l("Action"),
        "entity": _l("Record type"),
        "entity_id": _l("Record id"),
        "field": _l("Field"),
        "old_value": _l("Was"),
        "new_value": _l("Became"),
    }
