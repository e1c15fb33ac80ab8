"""The clients' periodic jobs: reminders of events before they begin."""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from extensions import db
from models.base import utcnow
from services.clients import reminders
from services.platform.errors import RefusedChange

PERIODIC = (
    {
        "id": "event-reminders",
        "func": "jobs.clients.send_event_reminders",
        "label": _l("Remind of clients' events before they begin"),
        "interval_seconds": 60,
    },
)


def send_event_reminders(now=None):
    """Remind of every due event once, each in its own transaction; the number reminded."""
    now = now or utcnow()
    sent = 0
    for event_id in reminders.due(now):
        if reminders.remind(event_id, now):
            sent += 1
        db.session.commit()
    return sent


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)


# --- imports of historical clients ------------------------------------------------------------------

PROGRESS_KEY = "kartoteka:client-import:{id}"


def progress_of(import_id):
    """(done, total) of a running import, as its job last told; (0, None) before it tells."""
    from extensions import queues

    kept = queues.connection.hgetall(PROGRESS_KEY.format(id=import_id)) or {}
    done = int(kept.get(b"done", 0))
    total = kept.get(b"total")
    return done, int(total) if total not in (None, b"") else None


def _teller(import_id):
    from extensions import queues

    def tell(done, total):
        queues.connection.hset(PROGRESS_KEY.format(id=import_id), mapping={"done": done, "total": total or ""})
        queues.connection.expire(PROGRESS_KEY.format(id=import_id), 86400)

    return tell


def _import_run(import_id, status, work):
    """Run `work(run, user)` for the import in `status`, committed once; a failure leaves only the
    import's own row marked failed (its work rolled back whole)."""
    from models.clients import ClientImport
    from models.platform.user import User
    from services.platform.audit import acting_as

    run = db.session.get(ClientImport, import_id, populate_existing=True)
    if run is None or run.status != status:
        return None  # done already, cancelled, or not ready: nothing to do twice
    user = db.session.get(User, run.created_by_id)
    try:
        with acting_as(user.id), force_locale(user.language or "uk"):
            result = work(run, user)
        run.finished_at = utcnow()
        db.session.commit()
        return result
    except Exception as error:
        db.session.rollback()
        run = db.session.get(ClientImport, import_id)
        refused = isinstance(error, RefusedChange)
        run.status, run.finished_at = "failed", utcnow()
        run.error = str(error.message if refused else "internal error")[:2000]
        db.session.commit()
        if not refused:
            raise
        return None


def run_import_check(import_id):
    from services.clients.imports import runs

    return _import_run(import_id, "checking", lambda run, user: runs.dry_run(run, _teller(import_id)))


def run_import_apply(import_id):
    from services.clients.imports import runs

    return _import_run(import_id, "importing", lambda run, user: runs.apply(run, user, _teller(import_id)))
