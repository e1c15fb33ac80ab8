"""Everyone's own profile: details, language, time zone and password; bad input is a 400 that
changes nothing, and the form cannot reach fields it does not offer."""

import re

import pytest

from models.platform.user import User
from tests.factories.platform import PASSWORD, make_user, role
from tests.view_helpers import fresh, new_client, post_form, post_login, sign_in

ERROR_RE = re.compile(r'<div class="invalid-feedback">(.*?)</div>')


@pytest.fixture
def agent():
    return make_user(
        "petro", "agent", full_name="Petro Agent", email="petro@example.com", language="en", timezone="Europe/Kyiv"
    )


def details(**overrides):
    data = {
        "full_name": "Petro Agent",
        "email": "petro@example.com",
        "phone": "",
        "language": "en",
        "timezone": "Europe/Kyiv",
    }
    data.update(overrides)
    return data


def snapshot(user):
    stored = fresh(User, user.id)
    return {
        name: getattr(stored, name)
        for name in ("username", "full_name", "email", "phone", "language", "timezone", "role_id", "is_blocked")
    }


def test_the_profile_shows_my_own_details(app, agent):
    make_user("other", "agent", full_name="Someone Else", email="else@example.com")
    page = sign_in(app, agent).get("/admin/profile/")
    assert page.status_code == 200
    assert 'value="Petro Agent"' in page.text and "petro@example.com" in page.text
    assert "else@example.com" not in page.text


def test_a_user_edits_his_name_language_and_time_zone(app, agent):
    client = sign_in(app, agent)
    response = post_form(
        client,
        "/admin/profile/details",
        **details(full_name="Petro Renamed", language="ru", timezone="America/New_York", phone="+380 50 123-45-67"),
    )
    assert response.status_code == 302
    stored = fresh(User, agent.id)
    assert (stored.full_name, stored.language, stored.timezone, stored.phone) == (
        "Petro Renamed",
        "ru",
        "America/New_York",
        "+380 50 123-45-67",
    )


BAD_DETAILS = {
    "unknown time zone": {"timezone": "Mars/Olympus_Mons"},
    "time zone path": {"timezone": "../../etc/passwd"},
    "bad email": {"email": "not-an-email"},
    "email with two @": {"email": "a@b@example.com"},
    "unknown language": {"language": "xx"},
    "empty name": {"full_name": ""},
    "overlong name": {"full_name": "x" * 161},
    "letters in the phone": {"phone": "call me maybe"},
}


@pytest.mark.parametrize("change", list(BAD_DETAILS.values()), ids=list(BAD_DETAILS))
def test_bad_details_are_a_form_error_and_change_nothing(app, agent, change):
    client = sign_in(app, agent)
    before = snapshot(agent)
    response = post_form(client, "/admin/profile/details", **details(**{"full_name": "Changed Too", **change}))
    assert response.status_code == 400
    assert ERROR_RE.search(response.text), "the form shows what is wrong"
    assert snapshot(agent) == before


def test_the_profile_form_cannot_set_fields_it_does_not_offer(app, agent):
    client = sign_in(app, agent)
    response = post_form(
        client,
        "/admin/profile/details",
        **details(
            full_name="Petro Still",
            username="admin",
            role=str(role("owner").id),
            role_id=str(role("owner").id),
            is_blocked="",
            totp_enabled="y",
            password_hash="x",
        ),
    )
    assert response.status_code == 302
    after = snapshot(agent)
    assert after["full_name"] == "Petro Still"
    assert (after["username"], after["role_id"]) == ("petro", role("agent").id)
    stored = fresh(User, agent.id)
    assert stored.totp_enabled is False and stored.password_hash.startswith("$argon2")


def test_a_new_time_zone_changes_how_times_are_shown(app, agent):
    client = sign_in(app, agent)
    post_form(client, "/admin/profile/details", **details(timezone="Asia/Tokyo"))
    page = client.get("/admin/profile/")
    assert re.search(r'<option selected value="Asia/Tokyo">|<option value="Asia/Tokyo" selected', page.text)


# --- password ------------------------------------------------------------------------------------------


def change_password(client, current, new="another-good-pass-9", confirm=None):
    return post_form(
        client,
        "/admin/profile/password",
        current_password=current,
        new_password=new,
        confirm=new if confirm is None else confirm,
    )


def test_a_password_change_needs_the_right_current_password(app, agent):
    client = sign_in(app, agent)
    before = fresh(User, agent.id).password_hash
    response = change_password(client, current="guessing-wrong")
    assert response.status_code == 400
    assert "The current password is wrong." in response.text
    assert fresh(User, agent.id).password_hash == before
    assert post_login(new_client(app), "petro", PASSWORD).status_code == 302
    assert post_login(new_client(app), "petro", "another-good-pass-9").status_code == 401


@pytest.mark.parametrize(
    ("new", "confirm"),
    [("short", "short"), ("another-good-pass-9", "a-different-one-9"), ("", "")],
    ids=["too short", "not repeated", "empty"],
)
def test_a_bad_new_password_is_refused_and_changes_nothing(app, agent, new, confirm):
    client = sign_in(app, agent)
    before = fresh(User, agent.id).password_hash
    response = change_password(client, current=PASSWORD, new=new, confirm=confirm)
    assert response.status_code == 400
    assert fresh(User, agent.id).password_hash == before


def test_the_right_current_password_changes_it_and_the_new_one_is_stored_hashed(app, agent):
    client = sign_in(app, agent)
    response = change_password(client, current=PASSWORD)
    assert response.status_code == 302
    stored = fresh(User, agent.id).password_hash
    assert stored.startswith("$argon2") and "another-good-pass-9" not in stored
    assert post_login(new_client(app), "petro", "another-good-pass-9").status_code == 302


def test_a_user_without_profile_rights_cannot_open_it(app):
    nobody = make_user("nobody", language="en")
    assert sign_in(app, nobody).get("/admin/profile/").status_code == 403


def test_required_fields_are_marked(app, login_as):
    from tests.factories.platform import make_user

    page = login_as(make_user(role_code="agent", language="en")).get("/admin/profile/").text
    assert re.search(r"<label for=\"full_name\">[^<]+</label> <span class=\"required-mark\"", page)
    assert not re.search(r"<label for=\"email\">[^<]+</label> <span class=\"required-mark\"", page)
