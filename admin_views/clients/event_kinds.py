"""The event types and statuses as the owner edits them (/admin/event-types/, /admin/event-statuses/)."""

from flask_babel import lazy_gettext as _l

from admin_views.base import SecuredModelView

LABELS = {
    "code": _l("Code"),
    "name_uk": _l("Name (Ukrainian)"),
    "name_ru": _l("Name (Russian)"),
    "name_en": _l("Name (English)"),
    "color": _l("Colour"),
    "position": _l("Order"),
    "default_minutes": _l("Minutes by default"),
    "is_active": _l("Active"),
    "is_open": _l("Still to happen (reminders, overdue)"),
    "counts_as_done": _l("Counts as done (points)"),
}


class EventTypeView(SecuredModelView):
    permission = "clients.settings"
    manage_permission = "clients.settings"
    can_delete = False
    column_labels = LABELS
    column_list = ("position", "name_uk", "code", "default_minutes", "color", "is_active")
    form_columns = ("code", "name_uk", "name_ru", "name_en", "color", "default_minutes", "position", "is_active")


class EventStatusView(SecuredModelView):
    permission = "clients.settings"
    manage_permission = "clients.settings"
    can_delete = False
    column_labels = LABELS
    column_list = ("position", "name_uk", "code", "color", "is_open", "counts_as_done")
    form_columns = ("code", "name_uk", "name_ru", "name_en", "color", "position", "is_open", "counts_as_done")
