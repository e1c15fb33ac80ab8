"""Database discipline for PostgreSQL: no statement runs forever and no connect hangs, so a
request either finishes or fails fast with a 503 (admin_views/errors.py) and the pool recovers."""

from sqlalchemy import event

from extensions import db


def init_app(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    statement_ms = int(app.config["DATABASE_STATEMENT_TIMEOUT_MS"])
    connect_seconds = int(app.config["DATABASE_CONNECT_TIMEOUT_SECONDS"])

    @event.listens_for(engine, "do_connect")
    def _limits(dialect, connection_record, cargs, cparams):
        cparams.setdefault("connect_timeout", connect_seconds)
        options = cparams.get("options", "")
        cparams["options"] = f"{options} -c statement_timeout={statement_ms}".strip()
