"""Liveness and readiness for load balancers: no login, no session, no HTML."""

from flask import Blueprint, jsonify

from extensions import csrf
from services.platform import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    result = readiness.checks()
    ready = readiness.is_ready(result)
    return jsonify(status="ok" if ready else "unavailable", checks=result), 200 if ready else 503


def init_app(app):
    csrf.exempt(bp)
    app.register_blueprint(bp)
