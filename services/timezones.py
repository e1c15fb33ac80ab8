"""Times are stored as naive UTC and shown in the user's own zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/Kyiv"


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


def format_local(value, zone=None, fmt="%Y-%m-%d %H:%M"):
    local = to_local(value, zone)
    return local.strftime(fmt) if local else ""


def is_valid_zone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def now_utc():
    return datetime.now(UTC).replace(tzinfo=None)
