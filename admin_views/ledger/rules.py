"""The points rules as the owner edits them (/admin/points/rules/)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange

from admin_views.base import SecuredModelView
from models.ledger import KINDS, RULE_EVENTS

EVENT_LABELS = {
    "stage_reached": _l("A client reaches a stage"),
    "invoice_paid": _l("An invoice is paid"),
    "event_done": _l("An event is done"),
    "referral_first_paid": _l("A referred client pays for the first time"),
    "referral_payment": _l("A referred client pays again"),
    "imported": _l("Points brought by an import"),
}
KIND_LABELS = {"points": _l("Points"), "bonus": _l("Bonus")}
RULE_LABELS = {
    "code": _l("Code"),
    "event": _l("Event"),
    "stage_code": _l("Stage code (for a stage reached)"),
    "kind": _l("Kind"),
    "client_amount": _l("For the client"),
    "employee_amount": _l("For the employee"),
    "percent": _l("Share of the payment, %"),
    "is_active": _l("Active"),
    "name_uk": _l("Name (Ukrainian)"),
    "name_ru": _l("Name (Russian)"),
    "name_en": _l("Name (English)"),
}


class RulesView(SecuredModelView):
    permission = "points.manage"
    manage_permission = "points.manage"
    can_delete = False
    column_labels = RULE_LABELS
    column_list = ("name_uk", "event", "stage_code", "kind", "client_amount", "employee_amount", "percent", "is_active")
    column_formatters = {
        "event": lambda view, context, model, name: EVENT_LABELS.get(model.event, model.event),
        "kind": lambda view, context, model, name: KIND_LABELS.get(model.kind, model.kind),
    }
    form_columns = ("code", "name_uk", "name_ru", "name_en", "event", "stage_code", "kind", "client_amount",
                    "employee_amount", "percent", "is_active")  # fmt: skip
    form_choices = {
        "event": [(event, EVENT_LABELS[event]) for event in RULE_EVENTS],
        "kind": [(kind, KIND_LABELS[kind]) for kind in KINDS],
    }
    form_args = {
        "client_amount": {"validators": [NumberRange(min=0, max=1_000_000)]},
        "employee_amount": {"validators": [NumberRange(min=0, max=1_000_000)]},
        "percent": {"validators": [NumberRange(min=0, max=100)]},
    }
