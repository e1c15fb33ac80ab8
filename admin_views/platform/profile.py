"""Every user's own profile: details, password, language, time zone, two-factor sign-in."""

from flask import flash, redirect, request, session, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView
from extensions import db
from forms.platform.profile import PasswordForm, ProfileForm, TotpConfirmForm, TotpDisableForm
from services.platform import auth, staff, totp

PENDING_SECRET = "totp_pending_secret"  # noqa: S105 (a session key name)


class ProfileView(SecuredView):
    permission = "profile.edit"

    def _render(self, **forms):
        user = current_user
        context = {
            "details_form": forms.get("details_form") or ProfileForm(obj=user),
            "password_form": forms.get("password_form") or PasswordForm(),
            "confirm_form": forms.get("confirm_form") or TotpConfirmForm(),
            "disable_form": forms.get("disable_form") or TotpDisableForm(),
            "pending_secret": session.get(PENDING_SECRET),
            "recovery_codes": forms.get("recovery_codes"),
            "recovery_left": totp.remaining_recovery_codes(user) if user.totp_enabled else 0,
            "totp_required": totp.required_for(user),
        }
        if context["pending_secret"]:
            uri = totp.provisioning_uri(user, context["pending_secret"])
            context["qr_svg"] = totp.qr_svg(uri)
        return self.render("admin/platform/profile.html", **context)

    @expose("/")
    def index(self):
        return self._render()

    @expose("/details", methods=["POST"])
    def details(self):
        form = ProfileForm()
        if not form.validate_on_submit():
            return self._render(details_form=form), 400
        form.populate_obj(current_user)
        db.session.commit()
        flash(_("Profile saved."), "success")
        return redirect(url_for(".index"))

    @expose("/password", methods=["POST"])
    def password(self):
        form = PasswordForm()
        if form.validate_on_submit():
            check = auth.reauthenticate(current_user, form.current_password.data, request.remote_addr)
            if check.throttled:
                return self._throttled(password_form=form)
            if check.ok:
                staff.set_password(current_user, form.new_password.data)
                db.session.commit()
                flash(_("Password changed. Your other sessions were signed out."), "success")
                return redirect(url_for(".index"))
            auth.record_failure(current_user, request.remote_addr)
            db.session.commit()
            form.current_password.errors.append(_("The current password is wrong."))
        return self._render(password_form=form), 400

    def _throttled(self, **forms):
        flash(_("Too many failed attempts. Sign-in is paused for 15 minutes."), "error")
        return self._render(**forms), 429

    @expose("/2fa/start", methods=["POST"])
    def totp_start(self):
        session[PENDING_SECRET] = totp.new_secret()
        return redirect(url_for(".index") + "#two-factor")

    @expose("/2fa/confirm", methods=["POST"])
    def totp_confirm(self):
        form = TotpConfirmForm()
        secret = session.get(PENDING_SECRET)
        if secret is None:
            flash(_("Start the set-up again."), "error")
            return redirect(url_for(".index"))
        if form.validate_on_submit():
            current_user.totp_secret = secret
            if totp.verify_and_consume(current_user, form.code.data):
                codes = totp.enable(current_user, secret)
                db.session.commit()
                session.pop(PENDING_SECRET, None)
                flash(_("Two-factor sign-in is on."), "success")
                return self._render(recovery_codes=codes)
            db.session.rollback()
            form.code.errors.append(_("The code is not right. Check the time on your phone and try again."))
        return self._render(confirm_form=form), 400

    @expose("/2fa/disable", methods=["POST"])
    def totp_disable(self):
        form = TotpDisableForm()
        if form.validate_on_submit():
            if totp.required_for(current_user):
                flash(_("Your role requires two-factor sign-in; it cannot be turned off."), "error")
                return redirect(url_for(".index"))
            check = auth.reauthenticate(current_user, form.password.data, request.remote_addr)
            if check.throttled:
                return self._throttled(disable_form=form)
            good_code = totp.verify_and_consume(current_user, form.code.data) or totp.use_recovery_code(
                current_user, form.code.data
            )
            if check.ok and good_code:
                totp.disable(current_user)
                db.session.commit()
                flash(_("Two-factor sign-in is off."), "success")
                return redirect(url_for(".index"))
            db.session.rollback()
            auth.record_failure(current_user, request.remote_addr)
            db.session.commit()
            form.code.errors.append(_("The password or the code is not right."))
        return self._render(disable_form=form), 400

    @expose("/2fa/recovery", methods=["POST"])
    def totp_recovery(self):
        if not current_user.totp_enabled:
            return redirect(url_for(".index"))
        codes = totp.issue_recovery_codes(current_user)
        db.session.commit()
        flash(_("New recovery codes issued; the old ones no longer work."), "success")
        return self._render(recovery_codes=codes)

    def is_visible(self):
        return False
