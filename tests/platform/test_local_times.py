"""The fast way of showing a time (a known offset for the day) gives what astimezone and strftime
give, in zones with half-hour and 45-minute offsets and around their changes of offset."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.platform import timezones
from services.platform.timezones import format_local

ZONES = ["Europe/Kyiv", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC", "Pacific/Chatham"]


def _exact(value, zone):
    return value.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("name", ZONES)
def test_every_minute_around_the_changes_of_offset_is_shown_as_astimezone_shows_it(name):
    zone = ZoneInfo(name)
    checked = 0
    for year in (2025, 2026):
        start = datetime(year, 1, 1)
        for day in range(0, 366, 1):
            midnight = start + timedelta(days=day)
            if (midnight + timedelta(days=1)).replace(tzinfo=UTC).astimezone(zone).utcoffset() == midnight.replace(
                tzinfo=UTC
            ).astimezone(zone).utcoffset():
                continue  # no change of offset that day: one time of the day is enough
            for minute in range(0, 24 * 60, 7):
                value = midnight + timedelta(minutes=minute, seconds=minute % 60, microseconds=minute)
                assert format_local(value, zone) == _exact(value, zone), value
                checked += 1
        for day in range(0, 366, 5):
            value = start + timedelta(days=day, hours=day % 24, minutes=day % 60)
            assert format_local(value, zone) == _exact(value, zone), value
    assert checked or name in ("UTC", "Asia/Kathmandu")


def test_a_day_with_a_change_of_offset_keeps_no_offset():
    zone = ZoneInfo("America/St_Johns")
    change = datetime(2026, 3, 8, 5, 30)  # 02:00 at UTC−3:30 → 03:00 at UTC−2:30, at 05:30 UTC
    assert format_local(change - timedelta(minutes=1), zone) == "2026-03-08 01:59"
    assert format_local(change, zone) == "2026-03-08 03:00"
    assert format_local(change + timedelta(minutes=40), zone) == "2026-03-08 03:40"
    assert format_local(change + timedelta(days=1), zone) == "2026-03-09 03:00"
    assert timezones._offsets == {
        (zone, change.toordinal()): None,
        (zone, change.toordinal() + 1): timedelta(hours=-2, minutes=-30),
    }


def test_a_year_of_hourly_times_keeps_one_offset_a_day():
    zone = ZoneInfo("Europe/Kyiv")
    start = datetime(2025, 1, 1)
    for hour in range(365 * 24):
        value = start + timedelta(hours=hour, minutes=hour % 60)
        assert format_local(value, zone) == _exact(value, zone), value
    assert len(timezones._offsets) == 365
    assert sum(offset is None for offset in timezones._offsets.values()) == 2  # the two changes of 2025


def test_other_formats_aware_values_and_none_take_the_exact_way():
    zone = ZoneInfo("Asia/Tokyo")
    value = datetime(2026, 5, 1, 15, 30)
    assert format_local(value, zone, fmt="%Y%m%d-%H%M") == "20260502-0030"
    assert format_local(value.replace(tzinfo=UTC), zone) == "2026-05-02 00:30"
    assert format_local(None, zone) == ""


def test_the_kept_offsets_are_bounded(monkeypatch):
    monkeypatch.setattr(timezones._offsets, "limit", 10)
    zone = ZoneInfo("Europe/Kyiv")
    for day in range(25):
        format_local(datetime(2026, 1, 1) + timedelta(days=day), zone)
    assert len(timezones._offsets) <= 10
