"""Sign-in, second factor, sign-out, and the language switch for signed-out pages."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from extensions import db
from forms.platform.auth import LoginForm, TwoFactorForm
from models.base import utcnow
from models.platform.user import LoginAttempt, User
from services.platform import auth, sessions, totp

bp = Blueprint("auth", __name__)
PENDING = "pending_2fa"
PENDING_TTL = timedelta(minutes=5)


def load_user(token):
    """Flask-Login's loader, a unit of work of its own: a session's touch, or its end when idle, is
    kept whatever the page does next."""
    user, changed = sessions.load_user(token)
    if changed:
        db.session.commit()
    return user


def _safe_next(target):
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _finish_login(user, token):
    user.session_token = token
    login_user(user)
    session.permanent = False
    return redirect(_safe_next(request.args.get("next")) or url_for("admin.index"))


@bp.route("/")
def root():
    return redirect(url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = auth.authenticate(form.username.data, form.password.data, request.remote_addr)
        if result.throttled:
            flash(_("Too many failed attempts. Sign-in is paused for 15 minutes."), "error")
            return render_template("auth/login.html", form=form), 429
        if not result.ok:
            db.session.commit()  # the failed attempt counts towards the throttle
            flash(_("Wrong username or password."), "error")
            return render_template("auth/login.html", form=form), 401
        user = result.user
        next_url = request.args.get("next")
        session.clear()  # a fresh session at every sign-in
        token = sessions.start(user, verified=not user.totp_enabled)
        db.session.commit()
        if user.totp_enabled:
            session[PENDING] = token
            return redirect(url_for("auth.second_factor", next=_safe_next(next_url)))
        return _finish_login(user, token)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _pending_record():
    record = sessions.find(session.get(PENDING))
    if record is None or record.ended_at is not None or record.verified or utcnow() - record.created_at > PENDING_TTL:
        return None
    return record


@bp.route("/login/2fa", methods=["GET", "POST"])
def second_factor():
    record = _pending_record()
    if record is None:
        session.pop(PENDING, None)
        flash(_("Sign in again."), "error")
        return redirect(url_for("auth.login"))
    user = db.session.get(User, record.user_id)
    form = TwoFactorForm()
    if form.validate_on_submit():
        if auth.is_throttled(user.username, request.remote_addr or "unknown"):
            flash(_("Too many failed attempts. Sign-in is paused for 15 minutes."), "error")
            return render_template("auth/second_factor.html", form=form), 429
        if totp.verify_and_consume(user, form.code.data) or totp.use_recovery_code(user, form.code.data):
            token = session.pop(PENDING)
            sessions.mark_verified(token)
            db.session.add(LoginAttempt(username=user.username, ip=request.remote_addr or "unknown", success=True))
            db.session.commit()
            return _finish_login(user, token)
        db.session.add(LoginAttempt(username=user.username, ip=request.remote_addr or "unknown", success=False))
        db.session.commit()
        flash(_("The code is not right."), "error")
        return render_template("auth/second_factor.html", form=form), 401
    return render_template("auth/second_factor.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user.session_token)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    code = request.form.get("language", "")
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["language"] = code
    if current_user.is_authenticated:
        current_user.language = code
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.login"))
