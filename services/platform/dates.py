"""The one rule for the dates people enter: ASCII digits as YYYY-MM-DD, a day between DATE_MIN and
DATE_MAX of the config (2000-01-01 … 2100-12-31 unless set). Stage fields, transactions, tasks,
filters and exports parse with `parse_date`; forms check their date fields with `DateInRange`;
Flask-Admin's list filters parse with `parse_date` and `parse_datetime` (admin_views/list_filters.py).
A day outside the range would land where no report, period filter or time zone reaches it."""

import re
from datetime import date, datetime

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FORMAT_MESSAGE = _l("Enter a date as YYYY-MM-DD.")


class DateError(ValueError):
    """A refused date; `message` is the field error to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class DateOutOfRange(DateError):
    pass


def date_range():
    """(first, last) day allowed: the app's DATE_MIN and DATE_MAX; the defaults outside an app."""
    config = current_app.config if has_app_context() else {}
    return config.get("DATE_MIN", FIRST_DAY), config.get("DATE_MAX", LAST_DAY)


def range_message():
    first, last = date_range()
    return _l("Enter a date between %(first)s and %(last)s.", first=first.isoformat(), last=last.isoformat())


def check_date(value):
    """`value` (a date or a date-time) if its day is in the range; DateOutOfRange otherwise."""
    first, last = date_range()
    day = value.date() if isinstance(value, datetime) else value
    if not first <= day <= last:
        raise DateOutOfRange(range_message())
    return value


def parse_date(text):
    """'2026-11-23' → date(2026, 11, 23); blank → None; anything else → DateError."""
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    if not DATE_RE.fullmatch(text):
        raise DateError(FORMAT_MESSAGE)
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise DateError(FORMAT_MESSAGE) from None
    return check_date(value)


def parse_datetime(text, fmt="%Y-%m-%d %H:%M:%S"):
    """A date-time in `fmt`, in ASCII digits, its day in the range; DateError otherwise."""
    text = str(text if text is not None else "").strip()
    try:
        if not text.isascii():
            raise ValueError(text)
        value = datetime.strptime(text, fmt)
    except ValueError:
        raise DateError(FORMAT_MESSAGE) from None
    return check_date(value)


class DateInRange:
    """WTForms validator of a date or date-time field: typed in ASCII digits, its day in the range.
    (WTForms parses with strptime, which takes any script's digits and any year from 1 to 9999.)"""

    def __call__(self, form, field):
        if field.data is None:
            return
        if not "".join(str(raw) for raw in field.raw_data or ()).isascii():
            raise ValidationError(str(FORMAT_MESSAGE))
        try:
            check_date(field.data)
        except DateError as error:
            raise ValidationError(str(error.message)) from None
