"""Sign-in through the real /login form: throttling, one message for every failure, session
rotation, safe `next`, and people who must not get in."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from extensions import db
from models.base import utcnow
from models.platform.user import LoginAttempt, UserSession
from tests.conftest import csrf_token
from tests.factories.platform import PASSWORD, make_user
from tests.view_helpers import (
    COOKIE,
    alerts,
    assert_signed_in,
    assert_signed_out,
    copy_session_cookie,
    location_path,
    new_client,
    post_login,
    sign_in,
)

WRONG = "wrong-password-1"
THROTTLED = "Too many failed attempts. Sign-in is paused for 15 minutes."
BAD_CREDENTIALS = "Wrong username or password."


@pytest.fixture
def alice():
    return make_user("alice", "agent", language="en")


def fail(client, username, times):
    for _ in range(times):
        response = post_login(client, username, WRONG)
        assert response.status_code == 401, response.status_code


# --- throttling ----------------------------------------------------------------------------------------


def test_four_failures_do_not_lock_the_account(app, alice):
    client = new_client(app)
    fail(client, "alice", 4)
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert_signed_in(client)


def test_the_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(app, alice):
    client = new_client(app)
    fail(client, "alice", 5)
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert THROTTLED in alerts(response)
    assert_signed_out(client)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_the_account_lock_holds_from_another_address_and_for_other_spellings_of_the_name(app, alice):
    fail(new_client(app, ip="198.51.100.1"), "ALICE", 3)
    fail(new_client(app, ip="198.51.100.2"), " alice ", 2)
    response = post_login(new_client(app, ip="198.51.100.3"), "Alice", PASSWORD)
    assert response.status_code == 429


def test_twenty_failures_from_one_address_block_that_address_for_every_account(app, alice):
    attacker = new_client(app, ip="203.0.113.7")
    for number in range(20):
        # Four tries per name: no single account reaches its own limit of five.
        fail(attacker, f"guess{number // 4}", 1)
    response = post_login(attacker, "alice", PASSWORD)
    assert response.status_code == 429
    assert THROTTLED in alerts(response)
    assert_signed_out(attacker)


def test_an_address_block_does_not_lock_the_account_out_elsewhere(app, alice):
    attacker = new_client(app, ip="203.0.113.8")
    for number in range(20):
        fail(attacker, f"guess{number // 4}", 1)
    assert post_login(attacker, "alice", PASSWORD).status_code == 429
    elsewhere = new_client(app, ip="192.0.2.44")
    assert post_login(elsewhere, "alice", PASSWORD).status_code == 302
    assert_signed_in(elsewhere)


def test_unknown_user_and_wrong_password_get_the_same_answer(app, alice):
    unknown = post_login(new_client(app), "nobody-here", WRONG)
    wrong = post_login(new_client(app), "alice", WRONG)
    assert unknown.status_code == wrong.status_code == 401
    assert alerts(unknown) == alerts(wrong) == [BAD_CREDENTIALS]


def test_a_throttled_unknown_user_and_a_throttled_real_one_get_the_same_answer(app, alice):
    client = new_client(app)
    fail(client, "alice", 5)
    fail(client, "ghost", 5)
    real = post_login(client, "alice", PASSWORD)
    ghost = post_login(client, "ghost", PASSWORD)
    assert real.status_code == ghost.status_code == 429
    assert alerts(real) == alerts(ghost) == [THROTTLED]


def test_sign_in_works_again_after_the_window(app, alice):
    client = new_client(app)
    fail(client, "alice", 5)
    assert post_login(client, "alice", PASSWORD).status_code == 429
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert_signed_in(client)


def test_failures_inside_the_window_still_count(app, alice):
    client = new_client(app)
    fail(client, "alice", 5)
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at = utcnow() - timedelta(minutes=14)
    db.session.commit()
    assert post_login(client, "alice", PASSWORD).status_code == 429


# --- the session at sign-in ------------------------------------------------------------------------------


def test_sign_in_starts_a_fresh_session(app, alice):
    client = new_client(app)
    client.get("/login")
    with client.session_transaction() as session:
        session["x"] = "planted before sign-in"
    before = client.get_cookie(COOKIE).value
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.get_cookie(COOKIE).value != before
    with client.session_transaction() as session:
        assert "x" not in session
    assert_signed_in(client)


def test_a_cookie_planted_before_sign_in_does_not_become_signed_in(app, alice):
    victim = new_client(app)
    victim.get("/login")
    attacker = new_client(app)
    copy_session_cookie(victim, attacker)
    assert post_login(victim, "alice", PASSWORD).status_code == 302
    assert_signed_in(victim)
    assert_signed_out(attacker)


def test_every_sign_in_gets_its_own_server_side_session(app, alice):
    first, second = sign_in(app, alice), sign_in(app, alice)
    with first.session_transaction() as one, second.session_transaction() as two:
        assert one["_user_id"] != two["_user_id"]
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 2


# --- where sign-in leads ----------------------------------------------------------------------------------


def test_a_local_next_is_honoured(app, alice):
    response = post_login(new_client(app), "alice", PASSWORD, next_url="/admin/profile/?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/profile/?tab=1")


OPEN_REDIRECTS = [
    "//evil.example",
    "//evil.example/admin/",
    "https://evil.example",
    "https://evil.example/admin/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS, ids=repr)
def test_a_next_leading_off_site_is_ignored(app, alice, target):
    response = post_login(new_client(app), "alice", PASSWORD, next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    # Read the Location as a browser does: tabs and newlines dropped, "\\" taken for "/".
    as_browser = urlsplit(re.sub(r"[\t\r\n]", "", location).replace("\\", "/"))
    assert as_browser.scheme in ("", "http") and as_browser.netloc in ("", "localhost"), location
    assert "evil.example" not in as_browser.netloc


def test_after_being_sent_to_sign_in_the_user_lands_on_the_page_he_asked_for(app, alice):
    client = new_client(app)
    login_url = client.get("/admin/banks/?page=0").headers["Location"]
    assert client.get(login_url).status_code == 200
    token = csrf_token(client, "/login")
    response = client.post(login_url, data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert location_path(response) == "/admin/banks/"


def test_a_signed_in_visitor_to_login_goes_to_the_dashboard(app, alice):
    response = sign_in(app, alice).get("/login")
    assert response.status_code == 302 and location_path(response) == "/admin/"


# --- people who must not get in -----------------------------------------------------------------------------


def test_a_blocked_user_cannot_sign_in(app):
    make_user("blocked", "agent", is_blocked=True)
    client = new_client(app)
    response = post_login(client, "blocked", PASSWORD)
    assert response.status_code == 401
    assert alerts(response) == [BAD_CREDENTIALS]
    assert_signed_out(client)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_a_soft_deleted_user_cannot_sign_in(app):
    make_user("leaver", "agent", deleted_at=utcnow())
    client = new_client(app)
    response = post_login(client, "leaver", PASSWORD)
    assert response.status_code == 401
    assert alerts(response) == [BAD_CREDENTIALS]
    assert_signed_out(client)


def test_an_empty_or_oversized_form_is_a_400_and_records_nothing(app):
    client = new_client(app)
    assert post_login(client, "", "").status_code == 400
    assert post_login(client, "a" * 500, "b" * 500).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
