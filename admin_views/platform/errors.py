"""Error pages: a clear message and the right 4xx; anonymous visitors go to sign-in."""

import contextlib
import logging

from flask import g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("The request was not understood. Nothing was changed."),
    403: _l("You do not have access to this page."),
    404: _l("There is no such page or record."),
    405: _l("This action is not allowed here."),
    413: _l("The file is too large."),
    429: _l("Too many requests. Try again later."),
    500: _l("Something went wrong on our side. Nothing was changed; try again."),
    503: _l("The service is briefly unavailable. Nothing was changed; try again in a minute."),
}


def _render(status, message=None):
    return render_template(
        "errors/error.html", status=status, message=message or MESSAGES.get(status, MESSAGES[500])
    ), status


def _http_error(error):
    if error.code == 403 and not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    return _render(error.code)


def _csrf_error(error):
    return _render(
        400, _l("The form has expired or came from elsewhere. Reload the page and try again. Nothing was changed.")
    )


def _server_error(error):
    from extensions import db

    db.session.rollback()
    return _render(500)


def _database_unavailable(error):
    """The database went away or a statement ran too long: a quick 503, never a hung request."""
    from extensions import db, login

    reason = (str(error).strip().splitlines() or [""])[0]
    logging.getLogger("kartoteka.request").warning("503 %s %s: %s", request.path, type(error).__name__, reason)
    with contextlib.suppress(Exception):  # the connection is already gone; nothing is left to undo
        db.session.rollback()
    g._login_user = login.anonymous_user()  # the error page must not ask the database who this is
    body, status = _render(503)
    return body, status, {"Retry-After": "30"}


def init_app(app):
    # Connection refused or lost, server shut down, statement timeout, pool exhausted.
    for error_class in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error_class, _database_unavailable)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
