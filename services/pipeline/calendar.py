"""Working days for the engine's deadlines: the start of the next day in the business time zone
(BUSINESS_TIMEZONE), or of Monday when weekends are skipped (ROLLOVER_SKIP_WEEKENDS)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

SATURDAY = 5


def next_deadline(now, zone_name, skip_weekends):
    """(cut-off, new deadline) as naive UTC: tasks due before the cut-off (the start of tomorrow in
    the business zone) move to the start of the next day, or of Monday when weekends are skipped."""
    zone = ZoneInfo(zone_name)
    today = now.replace(tzinfo=UTC).astimezone(zone).date()
    tomorrow = today + timedelta(days=1)
    target = tomorrow
    if skip_weekends and target.weekday() >= SATURDAY:
        target += timedelta(days=7 - target.weekday())

    def start_of(day):
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)

    return start_of(tomorrow), start_of(target)


def business_rules():
    config = current_app.config
    return config.get("BUSINESS_TIMEZONE", "Europe/Kyiv"), config.get("ROLLOVER_SKIP_WEEKENDS", False)


def end_of_next_business_day(now):
    """The end of the next working day after `now` (naive UTC): "check again tomorrow" leaves the
    whole of tomorrow, not a deadline at its first minute."""
    zone = ZoneInfo(business_rules()[0])
    start = next_deadline(now, *business_rules())[1]
    day = start.replace(tzinfo=UTC).astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
