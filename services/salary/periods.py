"""Salary periods: a calendar month unless the owner sets other dates; open until the closing job
freezes them. A period's span for a person runs from its first day's midnight to the day after its
last, in his own time zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models.salary import SalaryPeriod
from services.platform.errors import RefusedChange
from services.platform.timezones import local_to_utc


class PeriodError(RefusedChange):
    pass


def month_of(day):
    """(first day, first day of the next month) of `day`'s month."""
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


def covering(day):
    """The period `day` falls in, or None."""
    query = select(SalaryPeriod).where(SalaryPeriod.starts_on <= day, SalaryPeriod.ends_on > day)
    return db.session.scalar(query)


def ensure(day):
    """The period `day` falls in, made as its calendar month (up to the next period's start) when
    there is none. Two at once make it once: the second reads the first's."""
    found = covering(day)
    if found is not None:
        return found
    starts, ends = month_of(day)
    later = db.session.scalar(
        select(SalaryPeriod.starts_on).where(SalaryPeriod.starts_on > day).order_by(SalaryPeriod.starts_on)
    )
    earlier = db.session.scalar(
        select(SalaryPeriod.ends_on).where(SalaryPeriod.ends_on <= day).order_by(SalaryPeriod.ends_on.desc())
    )
    starts = max(starts, earlier) if earlier else starts
    ends = min(ends, later) if later else ends
    try:
        with db.session.begin_nested():
            period = SalaryPeriod(starts_on=starts, ends_on=ends, status="open")
            db.session.add(period)
    except IntegrityError:
        return covering(day)
    return period


def span(period, zone_name):
    """[start, end) of the period in UTC (as stored) for a person in `zone_name`."""
    zone = ZoneInfo(zone_name)
    return (
        local_to_utc(datetime.combine(period.starts_on, time()), zone),
        local_to_utc(datetime.combine(period.ends_on, time()), zone),
    )


def check_open(period):
    if period is None or period.status != "open":
        raise PeriodError(_l("This period is closed: its salaries do not change any more."))


def previous(period, count):
    """The `count` periods before `period`, the latest first."""
    query = (
        select(SalaryPeriod)
        .where(SalaryPeriod.starts_on < period.starts_on)
        .order_by(SalaryPeriod.starts_on.desc())
        .limit(count)
    )
    return db.session.scalars(query).all()


def days(period):
    """The period's days, in order."""
    return [period.starts_on + timedelta(days=n) for n in range((period.ends_on - period.starts_on).days)]


def is_working_day(day: date):
    return day.weekday() < 5
