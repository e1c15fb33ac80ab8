"""Staff directory (owner) and "my team" (leaders: their subordinates in the org tree only)."""

from flask import flash
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField
from wtforms.validators import Length, Optional, ValidationError

from admin_views.base import SecuredModelView, parse_id
from extensions import db
from forms.platform.profile import LANGUAGE_CHOICES, timezone_choices
from models.platform.user import User
from services.platform import access, staff
from services.platform.passwords import MIN_LENGTH

STAFF_LABELS = {
    "username": _l("Username"),
    "full_name": _l("Full name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "role": _l("Role"),
    "language": _l("Language"),
    "timezone": _l("Time zone"),
    "is_blocked": _l("Blocked"),
    "totp_enabled": _l("2FA"),
    "last_login_at": _l("Last sign-in"),
    "memberships": _l("Positions"),
    "created_at": _l("Created"),
    "new_password": _l("New password"),
}


def _positions(view, context, model, name):
    return "; ".join(str(m.position) + f" ({m.office.name})" for m in model.memberships)


class PeopleActionsMixin:
    """Block / unblock for the selected people the current user may manage."""

    def _apply(self, ids, change, done_message):
        wanted = [pk for pk in map(parse_id, ids) if pk is not None]
        people = self.get_query().filter(User.id.in_(wanted)).all()
        allowed = [p for p in people if access.can_manage_person(current_user, p)]
        for person in allowed:
            change(person)
        db.session.commit()
        flash(done_message % {"count": len(allowed)}, "success")
        if len(allowed) < len(ids):
            flash(
                _(
                    "%(count)s selected people are not yours to manage and were left as they were.",
                    count=len(ids) - len(allowed),
                ),
                "warning",
            )

    @action("block", _l("Block"), _l("Block the selected people? They are signed out at once."))
    def action_block(self, ids):
        self._apply(ids, staff.block, _("Blocked: %(count)s."))

    @action("unblock", _l("Unblock"))
    def action_unblock(self, ids):
        self._apply(ids, staff.unblock, _("Unblocked: %(count)s."))


class StaffView(PeopleActionsMixin, SecuredModelView):
    permission = "staff.view"
    list_template = "admin/exports/model_list.html"
    export_key = "staff"
    manage_permission = "staff.manage"
    column_list = ("username", "full_name", "role", "memberships", "is_blocked", "totp_enabled", "last_login_at")
    column_details_list = (
        "username",
        "full_name",
        "email",
        "phone",
        "role",
        "memberships",
        "language",
        "timezone",
        "is_blocked",
        "totp_enabled",
        "last_login_at",
        "created_at",
    )
    column_searchable_list = ("username", "full_name", "email", "phone")
    column_filters = ("role", "is_blocked", "totp_enabled")
    column_labels = STAFF_LABELS
    column_formatters = {"memberships": _positions}
    column_formatters_detail = {"memberships": _positions}
    column_default_sort = "username"
    form_columns = (
        "username",
        "full_name",
        "email",
        "phone",
        "role",
        "language",
        "timezone",
        "is_blocked",
        "new_password",
    )
    form_extra_fields = {
        "new_password": PasswordField(_l("New password"), validators=[Optional(), Length(min=MIN_LENGTH, max=200)])
    }
    form_choices = {"language": LANGUAGE_CHOICES}

    def scaffold_form(self):
        form_class = super().scaffold_form()
        from wtforms import SelectField

        form_class.timezone = SelectField(
            _l("Time zone"), choices=timezone_choices, default="Europe/Kyiv", render_kw={"data-role": "select2"}
        )
        return form_class

    def on_model_change(self, form, model, is_created):
        model.username = (model.username or "").strip().lower()
        if not model.username:
            raise ValidationError(_("Username is required."))
        if form.new_password.data:
            staff.set_password(model, form.new_password.data)
        elif is_created:
            raise ValidationError(_("Set a password for the new person."))
        if not is_created and model.id == current_user.id and model.is_blocked:
            raise ValidationError(_("You cannot block yourself."))
        if model.is_blocked and not is_created:
            staff.block(model)

    def soft_delete(self, model):
        if model.id == current_user.id:
            raise ValidationError(_("You cannot delete yourself."))
        staff.soft_delete(model)

    def build_new_instance(self):
        # The real hash is set in on_model_change, before the first flush.
        return User(password_hash="!")  # noqa: S106 (unusable placeholder)


class TeamView(PeopleActionsMixin, SecuredModelView):
    """The people below me in the org tree, never an owner, whatever my scope: list, details,
    search, filters, count, export and actions all read get_query / get_count_query, narrowed here."""

    permission = "team.view"
    column_list = ("username", "full_name", "memberships", "is_blocked", "last_login_at")
    column_details_list = ("username", "full_name", "email", "phone", "memberships", "is_blocked", "last_login_at")
    column_searchable_list = ("username", "full_name", "email", "phone")
    column_filters = ("is_blocked",)
    column_labels = STAFF_LABELS
    column_formatters = {"memberships": _positions}
    column_formatters_detail = {"memberships": _positions}
    column_default_sort = "full_name"

    def narrow(self, query):
        return query.filter(access.team_clause(current_user))

    def is_action_allowed(self, name):
        return access.can(current_user, "team.manage") and super().is_action_allowed(name)
