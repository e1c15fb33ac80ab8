"""Times are stored as naive UTC and shown in the user's own zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.platform import cache

DEFAULT_ZONE = "Europe/Kyiv"
SHOWN = "%Y-%m-%d %H:%M"  # how the panel shows a time


def user_zone():
    """The signed-in user's zone, kept on the request's user (a page shows many times)."""
    from flask_login import current_user

    user = current_user._get_current_object()  # None outside a request
    name = getattr(user, "timezone", None) or DEFAULT_ZONE
    kept = getattr(user, "_zone", None)
    if kept is not None and kept[0] == name:
        return kept[1]
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_ZONE)
    if user is not None:
        user._zone = (name, zone)
    return zone


def to_local(value, zone=None):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone or user_zone())


# (zone, day of UTC) → the zone's offset throughout that day, or None where it changes inside it.
# A page shows hundreds of times: adding a known offset and isoformat cost a fifth of astimezone
# and strftime. Days, not hours: ten years of dates are ~3,650 keys a zone, where keys by the hour
# grew a web process by 14 MB before their bound. A change of offset and a change back inside one
# day would go unseen; no zone of the tz database has two changes within 48 hours since 1970.
OFFSETS_KEPT = 20_000
_offsets = cache.keyed("offsets of a zone through a day", limit=OFFSETS_KEPT)


def _offset_through_day(zone, value):
    key = (zone, value.toordinal())
    offset = _offsets.get(key, False)
    if offset is False:
        start = datetime(value.year, value.month, value.day, tzinfo=UTC)
        first = start.astimezone(zone).utcoffset()
        last = (start + timedelta(days=1, microseconds=-1)).astimezone(zone).utcoffset()
        offset = _offsets.keep(key, first if first == last else None)
    return offset


def format_local(value, zone=None, fmt=SHOWN):
    if value is None:
        return ""
    if fmt == SHOWN and value.tzinfo is None:
        offset = _offset_through_day(zone or user_zone(), value)
        if offset is not None:
            return (value + offset).isoformat(" ", "minutes")
    return to_local(value, zone).strftime(fmt)


def is_valid_zone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def now_utc():
    return datetime.now(UTC).replace(tzinfo=None)


def today_local(zone=None):
    """Today's date in the zone (the signed-in person's by default)."""
    return to_local(now_utc(), zone or user_zone()).date()


def local_to_utc(value, zone=None):
    """A naive local date-time in the zone (the signed-in person's by default) → naive UTC (as stored)."""
    return value.replace(tzinfo=zone or user_zone()).astimezone(UTC).replace(tzinfo=None)
