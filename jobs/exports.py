"""Export jobs: one user's export file built in the background (queue "exports"), and the owner's
scheduled export emails (periodic, every minute). Both are idempotent: a finished export is not
built again, and a schedule's period is claimed once (services/exports/schedules.py)."""

import logging
import os
import secrets
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import current_app, g
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.exports.export import ExportJob, ExportSchedule
from models.platform.user import User
from realtime.publisher import publish
from realtime.rooms import user_room
from services.exports import registry as exports
from services.exports import schedules as export_schedules
from services.platform import access, mail
from services.platform.audit import acting_as

log = logging.getLogger(__name__)
PROGRESS_EVERY = 1000
DOWNLOAD_URL = "/admin/exports/{id}/download"
# A partial file older than this belongs to a run that died (a running export touches it often).
PARTIAL_FILE_SECONDS = 6 * 3600


def export_dir():
    path = Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def as_user(user):
    """Run as `user`: his language, him as the acting user of the audit trail, and a request
    context in which he is the current user (Flask-Admin's list queries and labels read it)."""
    saved = {name: g.pop(name) for name in ("_login_user", "_access_cache") if name in g}
    try:
        with current_app.test_request_context("/"):
            g._login_user = user
            g.pop("_access_cache", None)
            with acting_as(user.id), force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
                yield
    finally:
        # The app context (and its `g`) outlives this request context: leave it as it was.
        g.pop("_login_user", None)
        g.pop("_access_cache", None)
        for name, value in saved.items():
            setattr(g, name, value)


def progress_payload(job):
    payload = {
        "id": job.id,
        "status": job.status,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
    }
    if job.status == "done":
        payload["download_url"] = DOWNLOAD_URL.format(id=job.id)
    if job.status == "failed":
        payload["error"] = job.error
    return payload


def _commit_and_tell(job):
    """Commit, and one small event to the user's own room once committed."""
    publish(user_room(job.user_id), "export_progress", progress_payload(job))
    db.session.commit()


def _fail(job, message):
    db.session.rollback()
    job = db.session.get(ExportJob, job.id)
    job.status, job.error, job.finished_at = "failed", str(message)[:2000], utcnow()
    _commit_and_tell(job)


def run_export(export_id, every=None):
    """Build the file of one ExportJob as its user sees the list, updating progress every
    `every` rows. Done already → nothing to do; a retried run starts the file again."""
    job = db.session.get(ExportJob, export_id)
    if job is None or job.status == "done":
        return None
    user = db.session.get(User, job.user_id)
    spec = exports.get(job.list_key)
    if user is None or spec is None or job.format not in exports.FORMATS or not access.can(user, spec.permission):
        _fail(job, "not allowed")
        return None
    job.status, job.started_at, job.rows_done, job.rows_total, job.error = "running", utcnow(), 0, None, None
    _commit_and_tell(job)
    name = f"{job.id}-{secrets.token_hex(8)}.{exports.FORMATS[job.format][1]}"
    final = export_dir() / name
    partial = final.with_name(name + ".part")

    def progress(count):
        job.rows_done = count
        _commit_and_tell(job)

    try:
        with as_user(user):
            count = exports.build(spec, user, job.args or {}, job.format, partial, progress, every or PROGRESS_EVERY)
        os.replace(partial, final)
    except exports.ExportError as error:
        partial.unlink(missing_ok=True)
        _fail(job, error.message)
        return None
    except Exception:
        partial.unlink(missing_ok=True)
        log.exception("export %s failed", export_id)
        _fail(job, "internal error")
        raise
    job.status, job.rows_done, job.rows_total = "done", count, count
    job.file_path, job.finished_at = f"exports/{name}", utcnow()
    _commit_and_tell(job)
    return count


def file_of(job):
    """The finished file on disk, or None."""
    if job.status != "done" or not job.file_path:
        return None
    path = Path(current_app.instance_path) / job.file_path
    return path if path.is_file() else None


def purge_old_exports(now=None):
    """Remove export files and their rows once finished more than EXPORT_KEEP_DAYS ago, and
    partial files a killed worker left behind. Idempotent: a second run finds nothing."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    old = db.session.scalars(
        select(ExportJob).where(ExportJob.status.in_(("done", "failed")), ExportJob.finished_at < cutoff)
    ).all()
    for job in old:
        if job.file_path:
            (Path(current_app.instance_path) / job.file_path).unlink(missing_ok=True)
        db.session.delete(job)
    db.session.commit()
    stale = now.timestamp() - PARTIAL_FILE_SECONDS
    for partial in export_dir().glob("*.part"):
        if partial.stat().st_mtime < stale:
            partial.unlink(missing_ok=True)
    return len(old)


# --- scheduled export emails ---------------------------------------------------------------------------


def build_xlsx_bytes(spec, owner, args):
    handle, name = tempfile.mkstemp(suffix=".xlsx", dir=export_dir())
    os.close(handle)
    try:
        exports.build(spec, owner, args, "xlsx", name)
        return Path(name).read_bytes()
    finally:
        Path(name).unlink(missing_ok=True)


def deliver(schedule, period_key):
    """Build the schedule's XLSX as its owner (his scope, language and zone) and mail it."""
    owner = schedule.owner
    spec = exports.get(schedule.list_key)
    if owner is None or spec is None or not access.can(owner, spec.permission):
        raise exports.ExportError("the owner may not export this list", status=403)
    with as_user(owner):
        data = build_xlsx_bytes(spec, owner, export_schedules.filter_args(schedule.filters))
        message = export_schedules.build_message(
            schedule, period_key, data, current_app.config["MAIL_DEFAULT_SENDER"], str(spec.title)
        )
    mail.send(message)


def send_due_export_emails(now=None):
    """For every active schedule due now (in its owner's zone) whose period nobody has claimed yet:
    claim it, build and send the XLSX, mark it sent. Returns the number of emails sent; raises at
    the end if any failed, so the run is retried (the failed periods are claimed again)."""
    now = now or utcnow()
    sent, failed = 0, []
    for schedule_id in [s.id for s in export_schedules.active_schedules()]:
        schedule = db.session.get(ExportSchedule, schedule_id)
        period_key = export_schedules.due_period(schedule, now)
        if period_key is None or not export_schedules.claim(schedule_id, period_key, utcnow()):
            db.session.rollback()
            continue
        db.session.commit()
        try:
            deliver(db.session.get(ExportSchedule, schedule_id), period_key)
        except Exception as error:  # noqa: BLE001 - one failing schedule must not stop the others
            db.session.rollback()
            log.warning("scheduled export %s (%s) failed: %s", schedule_id, period_key, error)
            export_schedules.finish(schedule_id, period_key, utcnow(), error=error)
            db.session.commit()
            failed.append(schedule_id)
            continue
        export_schedules.finish(schedule_id, period_key, utcnow())
        db.session.commit()
        sent += 1
    if failed:
        raise RuntimeError(_("Scheduled exports failed: %(ids)s", ids=", ".join(map(str, failed))))
    return sent


PERIODIC = (
    {
        "id": "send-due-export-emails",
        "func": "jobs.exports.send_due_export_emails",
        "label": _l("Send the scheduled export e-mails"),
        "interval_seconds": 60,
        "queue": "exports",
        "timeout": 600,
    },
    {
        "id": "purge-old-exports",
        "func": "jobs.exports.purge_old_exports",
        "label": _l("Remove old export files"),
        "interval_seconds": 3600,
        "queue": "exports",
    },
)


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
    schedule.name("jobs.exports.run_export", _l("Build an export file"))
