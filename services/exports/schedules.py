"""Scheduled export emails: when a schedule is due, the claim of one period, the message.

One email per schedule and period: a period is named by the date of its send moment in the
owner's zone (`daily:2026-03-10`), and `export_deliveries` has UNIQUE (schedule_id, period_key).
Whoever inserts the row first (a scheduler, a second scheduler, a retry) sends; the others see
the row and skip.

A crash between the SMTP send and marking the row sent leaves it "claimed". We chose
at-least-once: a claim older than STALE_CLAIM is taken over (one conditional UPDATE, so one
taker) and the report is sent again — a missed report is worse than a rare duplicate, and the
duplicate carries the same Message-ID, so mail clients can fold it. A failed send (SMTP refused,
owner without the permission) is marked failed and retried by later runs, at most MAX_ATTEMPTS
times in all."""

import re
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qsl

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from models.exports.export import ExportDelivery, ExportSchedule
from services.exports import registry as exports
from services.platform.timezones import to_local

STALE_CLAIM = timedelta(minutes=15)
MAX_ATTEMPTS = 5
MAX_RECIPIENTS = 20
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PERIOD_LABELS = {"daily": _l("Daily"), "weekly": _l("Weekly"), "monthly": _l("Monthly")}
WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))


# --- validation of the owner's form ----------------------------------------------------------------


def parse_recipients(text):
    """(addresses, error): comma- or semicolon-separated, each a valid address."""
    parts = [p.strip() for p in re.split(r"[,;]", text or "") if p.strip()]
    if not parts:
        return [], _l("Enter at least one email address.")
    if len(parts) > MAX_RECIPIENTS:
        return [], _l("At most %(count)s addresses.", count=MAX_RECIPIENTS)
    clean = []
    for part in parts:
        try:
            clean.append(validate_email(part, check_deliverability=False).normalized)
        except EmailNotValidError:
            return [], _l("Not a valid email address: %(address)s", address=part)
    return clean, None


def filter_args(text):
    return exports.clean_args(dict(parse_qsl((text or "").lstrip("?"), keep_blank_values=False)))


def validate(schedule, user):
    """{field: message} of what is wrong with the schedule as the owner filled it in."""
    errors = {}
    spec = exports.get(schedule.list_key)
    from services.platform import access

    if spec is None or not access.can(user, spec.permission):
        errors["list_key"] = _l("Choose a list you may export.")
    elif spec.check:
        problems = spec.check(filter_args(schedule.filters))
        if problems:
            errors["filters"] = _l("The filter was not understood: %(names)s", names=", ".join(problems))
    if schedule.period not in PERIOD_LABELS:
        errors["period"] = _l("Choose daily, weekly or monthly.")
    if schedule.period == "weekly" and schedule.weekday not in range(7):
        errors["weekday"] = _l("Choose the day of the week.")
    if schedule.period == "monthly" and schedule.month_day not in range(1, 29):
        errors["month_day"] = _l("Choose a day of the month from 1 to 28.")
    if not TIME_RE.match(schedule.send_time or ""):
        errors["send_time"] = _l("Enter the time as HH:MM.")
    _addresses, problem = parse_recipients(schedule.recipients)
    if problem:
        errors["recipients"] = problem
    return errors


# --- when is a schedule due ------------------------------------------------------------------------


def _previous_month(moment, day):
    first = moment.replace(day=1) - timedelta(days=1)
    return first.replace(day=day)


def last_occurrence(schedule, now):
    """The latest send moment of the schedule at or before `now` (naive UTC), in the owner's zone."""
    zone = exports.zone_of(schedule.owner)
    local = to_local(now, zone)
    match = TIME_RE.match(schedule.send_time or "")
    if match is None:
        return None
    moment = local.replace(hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0)
    if schedule.period == "daily":
        return moment if moment <= local else moment - timedelta(days=1)
    if schedule.period == "weekly" and schedule.weekday in range(7):
        moment -= timedelta(days=(local.weekday() - schedule.weekday) % 7)
        return moment if moment <= local else moment - timedelta(days=7)
    if schedule.period == "monthly" and schedule.month_day in range(1, 29):
        candidate = moment.replace(day=schedule.month_day)
        return candidate if candidate <= local else _previous_month(candidate, schedule.month_day)
    return None


def due_period(schedule, now):
    """The period key to send for now, or None: not active, or no send moment since it was made."""
    if not schedule.is_active:
        return None
    moment = last_occurrence(schedule, now)
    if moment is None or moment < to_local(schedule.created_at, moment.tzinfo):
        return None
    return f"{schedule.period}:{moment.date().isoformat()}"


def active_schedules():
    return db.session.scalars(select(ExportSchedule).where(ExportSchedule.is_active.is_(True))).all()


# --- the claim -------------------------------------------------------------------------------------


def claim(schedule_id, period_key, clock):
    """True if this caller now holds the period: it inserted the row, or took over a failed one or
    a claim gone stale (see the module's note). The caller commits it before the work, so that it
    holds while the work runs."""
    try:
        with db.session.begin_nested():
            db.session.add(ExportDelivery(schedule_id=schedule_id, period_key=period_key, status="claimed",
                                          claimed_at=clock))  # fmt: skip
        return True
    except IntegrityError:
        pass
    result = db.session.execute(
        update(ExportDelivery)
        .where(
            ExportDelivery.schedule_id == schedule_id,
            ExportDelivery.period_key == period_key,
            ExportDelivery.attempts < MAX_ATTEMPTS,
            or_(
                ExportDelivery.status == "failed",
                and_(ExportDelivery.status == "claimed", ExportDelivery.claimed_at < clock - STALE_CLAIM),
            ),
        )
        .values(status="claimed", claimed_at=clock, attempts=ExportDelivery.attempts + 1, error=None)
    )
    return result.rowcount == 1


def finish(schedule_id, period_key, clock, error=None):
    values = {"status": "failed", "error": str(error)[:2000]} if error else {"status": "sent", "sent_at": clock}
    db.session.execute(
        update(ExportDelivery)
        .where(ExportDelivery.schedule_id == schedule_id, ExportDelivery.period_key == period_key)
        .values(**values)
    )


# --- the message -----------------------------------------------------------------------------------


def build_message(schedule, period_key, data, sender, title):
    """The email with the XLSX attached; texts in the owner's language (set by the caller)."""
    day = period_key.partition(":")[2]
    message = EmailMessage()
    message["Subject"] = _("%(report)s — %(date)s", report=title, date=day)
    message["From"] = sender
    message["To"] = ", ".join(parse_recipients(schedule.recipients)[0])
    message["Date"] = formatdate(usegmt=True)
    # The same id for the same schedule and period: a re-send after a crash is recognisably the same.
    message["Message-ID"] = f"<export-{schedule.id}-{period_key.replace(':', '-')}@kartoteka>"
    message.set_content(
        _("%(report)s (%(period)s) for %(date)s is attached.", report=title,
          period=PERIOD_LABELS.get(schedule.period, schedule.period), date=day)
    )  # fmt: skip
    filename = exports.file_name(title, day, "xlsx")
    message.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=filename)
    return message


# --- what became of the deliveries -----------------------------------------------------------------

DELIVERY_LABELS = {"claimed": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}


def last_deliveries(schedule_ids):
    """{schedule id: its latest ExportDelivery} for a page of schedules: one query."""
    if not schedule_ids:
        return {}
    latest = (
        select(func.max(ExportDelivery.id))
        .where(ExportDelivery.schedule_id.in_(schedule_ids))
        .group_by(ExportDelivery.schedule_id)
        .scalar_subquery()
    )
    rows = db.session.scalars(select(ExportDelivery).where(ExportDelivery.id.in_(latest))).all()
    return {row.schedule_id: row for row in rows}


def recent_failures(owner_id, since):
    """The owner's deliveries still failed that were tried since `since`, newest first."""
    return db.session.scalars(
        select(ExportDelivery)
        .join(ExportSchedule, ExportSchedule.id == ExportDelivery.schedule_id)
        .where(
            ExportSchedule.owner_id == owner_id, ExportDelivery.status == "failed", ExportDelivery.claimed_at >= since
        )
        .order_by(ExportDelivery.id.desc())
        .limit(20)
    ).all()
