"""Directories: banks (owner, administrator) and contractors (owner)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange

from admin_views.base import SecuredModelView

COMMON_LABELS = {
    "name": _l("Name"),
    "code": _l("Code"),
    "notes": _l("Notes"),
    "is_active": _l("Active"),
    "created_at": _l("Created"),
    "updated_at": _l("Updated"),
}


class BankView(SecuredModelView):
    permission = "banks.view"
    list_template = "admin/exports/model_list.html"
    export_key = "banks"
    manage_permission = "banks.manage"
    column_list = ("name", "code", "commission_percent", "commission_fixed", "is_active")
    column_searchable_list = ("name", "code")
    column_filters = ("is_active",)
    column_default_sort = "name"
    column_labels = dict(
        COMMON_LABELS,
        code=_l("Bank code (MFO)"),
        commission_percent=_l("Commission, %"),
        commission_fixed=_l("Fixed commission"),
    )
    form_args = {
        "commission_percent": {"validators": [NumberRange(min=0, max=100)]},
        "commission_fixed": {"validators": [NumberRange(min=0)]},
    }


class ContractorView(SecuredModelView):
    permission = "contractors.view"
    list_template = "admin/exports/model_list.html"
    export_key = "contractors"
    manage_permission = "contractors.manage"
    column_list = ("name", "contact_name", "phone", "email", "is_active")
    column_searchable_list = ("name", "contact_name", "phone", "email")
    column_filters = ("is_active",)
    column_default_sort = "name"
    column_labels = dict(COMMON_LABELS, contact_name=_l("Contact person"), phone=_l("Phone"), email=_l("Email"))
