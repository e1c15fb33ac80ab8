"""Org structure (owner): offices, departments, positions, access profiles, memberships."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError

from admin_views.base import SecuredModelView
from extensions import db
from models.platform.org import DEPARTMENT_KINDS
from models.platform.user import RolePermission
from services.platform import hierarchy
from services.platform.access import PERMISSIONS

LABELS = {
    "name": _l("Name"),
    "city": _l("City"),
    "address": _l("Address"),
    "is_active": _l("Active"),
    "office": _l("Office"),
    "department": _l("Department"),
    "kind": _l("Kind"),
    "code": _l("Code"),
    "rank": _l("Rank"),
    "role": _l("Access profile"),
    "name_uk": _l("Name (Ukrainian)"),
    "name_ru": _l("Name (Russian)"),
    "name_en": _l("Name (English)"),
    "user": _l("Person"),
    "position": _l("Position"),
    "parent": _l("Reports to"),
    "require_2fa": _l("Two-factor sign-in required"),
    "permission_list": _l("Permissions"),
    "departments": _l("Departments"),
}

KIND_LABELS = {
    "acquisition": _l("Acquisition"),
    "sales": _l("Sales"),
    "back_office": _l("Back office"),
    "hr": _l("HR"),
    "mpm": _l("MPM"),
    "operations": _l("Operations"),
}


class OrgView(SecuredModelView):
    permission = "org.manage"
    manage_permission = "org.manage"
    column_labels = LABELS


class OfficeView(OrgView):
    column_list = ("name", "city", "address", "is_active")
    column_searchable_list = ("name", "city")
    form_excluded_columns = OrgView.form_excluded_columns + ("departments",)


class DepartmentView(OrgView):
    column_list = ("office", "name", "kind")
    column_filters = ("office", "kind")
    column_searchable_list = ("name",)
    form_choices = {"kind": [(k, KIND_LABELS[k]) for k in DEPARTMENT_KINDS]}
    column_formatters = {"kind": lambda v, c, m, n: KIND_LABELS.get(m.kind, m.kind)}


class PositionView(OrgView):
    column_list = ("code", "name_uk", "name_ru", "name_en", "rank", "role")
    column_default_sort = "rank"
    form_columns = ("code", "name_uk", "name_ru", "name_en", "rank", "role")
    can_delete = False


ROLE_KINDS = {"role": _l("Role"), "position": _l("Position's profile")}


def permission_list(granted):
    """What a profile grants, as people read it: one line each, in alphabetical order."""
    labels = sorted(str(PERMISSIONS.get(code, code)) for code in granted)
    return Markup("<br>".join(str(escape(label)) for label in labels))  # noqa: S704 (each label escaped)


class RoleView(OrgView):
    """Access profiles: which permissions a role (or a position's profile) grants."""

    column_list = ("name_uk", "name_ru", "name_en", "kind", "require_2fa", "permission_list")
    column_filters = ("require_2fa",)
    column_formatters = {
        "kind": lambda v, c, m, n: ROLE_KINDS.get(m.kind, m.kind),
        "permission_list": lambda v, c, m, n: permission_list(m.permissions),
    }
    form_columns = ("code", "name_uk", "name_ru", "name_en", "require_2fa", "permission_list")
    form_extra_fields = {
        "permission_list": SelectMultipleField(
            _l("Permissions"), choices=lambda: sorted(((k, str(v)) for k, v in PERMISSIONS.items()), key=lambda c: c[1])
        )
    }

    @property
    def can_delete(self):
        return False

    def on_form_prefill(self, form, id):
        model = self.get_one(id)
        if model is not None:
            form.permission_list.data = sorted(model.permissions)

    def on_model_change(self, form, model, is_created):
        wanted = set(form.permission_list.data or [])
        unknown = wanted - set(PERMISSIONS)
        if unknown:
            raise ValidationError(_("Unknown permissions: %(names)s", names=", ".join(sorted(unknown))))
        model.grants[:] = [g for g in model.grants if g.permission in wanted]
        have = model.permissions
        for permission in sorted(wanted - have):
            model.grants.append(RolePermission(permission=permission))
        if model.kind is None:
            model.kind = "role"


class MembershipView(OrgView):
    column_list = ("user", "office", "department", "position", "parent")
    column_filters = ("office", "department", "position")
    column_searchable_list = ()
    form_columns = ("user", "office", "department", "position", "parent")
    column_default_sort = "path"

    def on_model_change(self, form, model, is_created):
        if model.department is not None and model.department.office_id != model.office.id:
            raise ValidationError(_("The department belongs to another office."))
        parent = model.parent
        try:
            hierarchy.place(model, parent)
        except hierarchy.HierarchyError:
            raise ValidationError(_("A person cannot report to himself or to someone below him.")) from None

    def delete_model(self, model):
        if model.id is not None and db.session.query(type(model)).filter_by(parent_id=model.id).first():
            from flask import flash

            flash(_("Move the people who report to this position elsewhere first."), "error")
            return False
        return super().delete_model(model)


COMPANY_LABELS = {
    "name": _l("Name"),
    "legal_name": _l("Legal name"),
    "tax_code": _l("Tax code (EDRPOU)"),
    "iban": _l("IBAN"),
    "bank_name": _l("Bank"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
}


class CompanyView(OrgView):
    """The company's requisites, printed on invoices: one record, made once and edited after."""

    column_labels = COMPANY_LABELS
    column_list = ("name", "legal_name", "tax_code", "iban")
    can_delete = False

    @property
    def can_create(self):
        from models.platform.company import Company

        return self._may_manage() and db.session.query(Company.id).first() is None
