"""The filters of the panel's model lists (admin_views.base.SecuredModelView): Flask-Admin's, with the
values parsed by the app's rules. Flask-Admin reads a number with int() or float() (any script's
digits, any size: twenty digits overflow SQLite's INTEGER) and a date with strptime (any year from 1
to 9999); here a number is ASCII digits within a BIGINT and a date is in the app's range."""

from flask_admin.contrib.sqla import filters as sqla
from flask_admin.model.filters import BaseFilter

from services.platform import dates
from services.platform.numbers import parse_decimal, parse_whole

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def whole_number(text):
    value = parse_whole(text)
    if not BIGINT_MIN <= value <= BIGINT_MAX:
        raise ValueError(text)
    return value


def day(text):
    value = dates.parse_date(text)
    if value is None:
        raise dates.DateError(dates.FORMAT_MESSAGE)
    return value


def moment(text):
    return dates.parse_datetime(text)


def listed(parse):
    return lambda text: [parse(part.strip()) for part in text.split(",") if part.strip()]


def between(parse):
    def parse_range(text):
        values = [parse(part) for part in text.split(" to ")]
        if len(values) != 2 or values[0] > values[1]:
            raise ValueError(text)
        return values

    return parse_range


def _parsing(filter_class, parse):
    """`filter_class` with its value parsed by `parse` (a ValueError refuses it, as Flask-Admin's)."""

    def clean(self, value):
        return parse(value)

    def validate(self, value):
        return BaseFilter.validate(self, value)

    return type(filter_class.__name__, (filter_class,), {"clean": clean, "validate": validate, "__module__": __name__})


def _with(filter_classes, parsers):
    return tuple(_parsing(f, parsers[f]) if f in parsers else f for f in filter_classes)


class FilterConverter(sqla.FilterConverter):
    int_filters = _with(
        sqla.FilterConverter.int_filters,
        {
            sqla.IntEqualFilter: whole_number,
            sqla.IntNotEqualFilter: whole_number,
            sqla.IntGreaterFilter: whole_number,
            sqla.IntSmallerFilter: whole_number,
            sqla.IntInListFilter: listed(whole_number),
            sqla.IntNotInListFilter: listed(whole_number),
        },
    )
    float_filters = _with(
        sqla.FilterConverter.float_filters,
        {
            sqla.FloatEqualFilter: parse_decimal,
            sqla.FloatNotEqualFilter: parse_decimal,
            sqla.FloatGreaterFilter: parse_decimal,
            sqla.FloatSmallerFilter: parse_decimal,
            sqla.FloatInListFilter: listed(parse_decimal),
            sqla.FloatNotInListFilter: listed(parse_decimal),
        },
    )
    date_filters = _with(
        sqla.FilterConverter.date_filters,
        {
            sqla.DateEqualFilter: day,
            sqla.DateNotEqualFilter: day,
            sqla.DateGreaterFilter: day,
            sqla.DateSmallerFilter: day,
            sqla.DateBetweenFilter: between(day),
            sqla.DateNotBetweenFilter: between(day),
        },
    )
    datetime_filters = _with(
        sqla.FilterConverter.datetime_filters,
        {
            sqla.DateTimeEqualFilter: moment,
            sqla.DateTimeNotEqualFilter: moment,
            sqla.DateTimeGreaterFilter: moment,
            sqla.DateTimeSmallerFilter: moment,
            sqla.DateTimeBetweenFilter: between(moment),
            sqla.DateTimeNotBetweenFilter: between(moment),
        },
    )
