"""The user's zone and language as the pages read them, many times a request."""

import re
from datetime import datetime

from flask_babel import force_locale
from flask_login import login_user

from models.base import current_language
from services.platform.timezones import format_local, user_zone


def test_the_zone_follows_the_users_setting_within_a_request(app, make_user):
    user = make_user(role_code="agent")
    with app.test_request_context("/"):
        login_user(user)
        user.timezone = "Asia/Tokyo"
        assert str(user_zone()) == "Asia/Tokyo"
        assert format_local(datetime(2026, 11, 29, 22, 0)) == "2026-11-30 07:00"
        user.timezone = "Europe/Kyiv"
        assert str(user_zone()) == "Europe/Kyiv"
        assert format_local(datetime(2026, 11, 29, 22, 0)) == "2026-11-30 00:00"
        user.timezone = "Not/A_Zone"
        assert str(user_zone()) == "Europe/Kyiv"
    assert str(user_zone()) == "Europe/Kyiv"  # outside a request


def test_the_language_is_the_requests_and_follows_a_forced_one(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert current_language() == "en"
        with force_locale("ru"):
            assert current_language() == "ru"
        assert current_language() == "en"
    assert current_language() == "uk"  # outside a request


def test_the_time_zone_picker_offers_common_zones_first_with_their_offsets(app, login_as):
    from tests.factories.platform import make_user

    page = login_as(make_user(role_code="agent", language="en")).get("/admin/profile/")
    assert page.status_code == 200
    picker = page.text[page.text.index('name="timezone"') :]
    picker = picker[: picker.index("</select>")]
    assert 'data-role="select2"' in page.text[page.text.index('id="timezone"') - 200 :][:400]
    assert len(re.findall(r'<optgroup label="([^"]+)"', picker)) == 2  # the common zones, then all
    first = re.search(r"<option[^>]*>([^<]+)</option>", picker).group(1)
    assert re.fullmatch(r"\(UTC\+0[23]:00\) Europe/Kyiv", first)
