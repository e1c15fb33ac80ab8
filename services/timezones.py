"""Times are stored as naive UTC and shown in the user's own zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/Kyiv"


def user_zone():
    from flask_login import current_user

    name = getattr(current_user, "timezone", None) if current_user else None
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


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
