"""One log line per request: request id, user id, method, path, status and server time; neither user
nor address for the paths declared anonymous (services/platform/anonymous.py)."""

import json
import logging
import re
import time
import uuid

from flask import g, request
from flask_login import current_user
from sqlalchemy import inspect

from services.platform import anonymous

log = logging.getLogger("kartoteka.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
QUIET_PATHS = ("/healthz", "/readyz", "/static/", "/admin/static/")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name}
        entry.update(getattr(record, "fields", {}) or {"message": record.getMessage()})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _start():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id():
    """The signed-in user's id from the identity the session keeps: after a commit the user's
    attributes are expired, and reading `id` would reload him."""
    try:
        state = inspect(current_user._get_current_object(), raiseerr=False)
    except Exception:  # the database may be the reason this request failed
        return None
    return state.identity[0] if state is not None and state.identity else None


def _finish(response):
    request_id = getattr(g, "request_id", None) or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    if request.path.startswith(QUIET_PATHS):
        return response
    started = getattr(g, "request_started", None)
    hidden = anonymous.is_anonymous(request.path)
    fields = {
        "request_id": request_id,
        "user_id": None if hidden else _user_id(),
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "ip": None if hidden else request.remote_addr,
    }
    message = "{request_id} user={user_id} {method} {path} {status} {ms}ms".format(**fields)
    log.info(message, extra={"fields": fields})
    return response


def init_app(app):
    handler = logging.StreamHandler()
    if app.config.get("LOG_JSON"):
        handler.setFormatter(JsonFormatter())
        log.propagate = False
    else:
        # Its own handler: a web process (gunicorn, app.py) configures no root logger, and
        # without one Python drops INFO lines.
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_finish)
