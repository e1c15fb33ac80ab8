"""Per-request security: CSP nonce and headers, enforced 2FA enrolment."""

import secrets

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from services.platform import totp

# Pages a person who must still set up 2FA may open.
ENROLMENT_ENDPOINTS = {"auth.logout", "auth.set_language", "static", "admin.static"}


def _set_nonce():
    g.csp_nonce = secrets.token_urlsafe(16)


def _require_enrolment():
    if not current_user.is_authenticated or current_user.totp_enabled:
        return None
    endpoint = request.endpoint or ""
    if endpoint in ENROLMENT_ENDPOINTS or endpoint.startswith("profile."):
        return None
    if totp.required_for(current_user):
        flash(_("Your role requires two-factor sign-in. Set it up to continue."), "warning")
        return redirect(url_for("profile.index") + "#two-factor")
    return None


def _headers(response):
    if not getattr(g, "csp_nonce", None):
        _set_nonce()  # refused before our before_request ran (e.g. CSRF): still a well-formed policy
    nonce = g.csp_nonce
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "connect-src 'self'; "
        "font-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.before_request(_set_nonce)
    app.before_request(_require_enrolment)
    app.after_request(_headers)
