"""The period a salary page shows: `?period=<id>`, else the one of today in the viewer's zone; and
the periods to choose from."""

from flask import abort, request
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import parse_id
from extensions import db
from models.salary import SalaryPeriod
from services.platform import unit_of_work
from services.platform.timezones import today_local, user_zone
from services.salary import periods

SHOWN = 24


def chosen():
    if request.args.get("period"):
        period_id = parse_id(request.args.get("period"))
        period = db.session.get(SalaryPeriod, period_id) if period_id else None
        if period is None:
            abort(404)
        return period
    known = periods.covering(today_local(user_zone()))
    if known is not None:
        return known
    made = periods.ensure(today_local(user_zone()))
    unit_of_work.commit(keep=current_user)  # the first page of a new month opens its period
    return made


def choices():
    query = select(SalaryPeriod).order_by(SalaryPeriod.starts_on.desc()).limit(SHOWN)
    return [(period.id, label(period)) for period in db.session.scalars(query)]


def label(period):
    starts, ends = period.starts_on, period.ends_on
    if starts.day == 1 and (ends - starts).days in (28, 29, 30, 31) and ends.day == 1:
        return format_date(starts, "LLLL yyyy").capitalize()
    return f"{format_date(starts, 'd MMM yyyy')} – {format_date(ends, 'd MMM yyyy')}"


def label_of_day(day):
    """The label of the period that starts on `day` (a calendar month unless one says otherwise)."""
    found = periods.covering(day)
    if found is not None and found.starts_on == day:
        return label(found)
    return format_date(day, "LLLL yyyy").capitalize() if day.day == 1 else format_date(day, "d MMM yyyy")
