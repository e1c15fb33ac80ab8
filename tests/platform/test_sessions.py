"""Server-side sessions: logout, blocking, idle timeout and a password change end them for real,
even for a copy of the cookie."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models.base import utcnow
from models.platform.user import User, UserSession
from tests.conftest import csrf_token
from tests.factories.platform import PASSWORD, make_user
from tests.view_helpers import (
    assert_signed_in,
    assert_signed_out,
    copy_session_cookie,
    fresh,
    new_client,
    post_form,
    post_login,
    sign_in,
)

NEW_PASSWORD = "brand-new-secret-7"


@pytest.fixture
def agent():
    return make_user("agent007", "agent", full_name="Andrii Agent", language="en")


@pytest.fixture
def owner():
    return make_user("owner", "owner", full_name="Olena Owner", language="en")


def open_sessions(user):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    )


def age_sessions(user, **column_ago):
    for record in db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)):
        for column, ago in column_ago.items():
            setattr(record, column, utcnow() - ago)
    db.session.commit()


# --- logout ------------------------------------------------------------------------------------------


def test_logout_ends_the_session_and_a_copied_cookie_stops_working(app, agent):
    browser = sign_in(app, agent)
    thief = new_client(app)
    copy_session_cookie(browser, thief)
    assert_signed_in(thief)  # the copy works while the session lives

    response = post_form(browser, "/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert_signed_out(browser)
    assert_signed_out(thief)
    assert open_sessions(agent) == 0


def test_logout_is_post_only(app, agent):
    browser = sign_in(app, agent)
    assert browser.get("/logout").status_code == 405
    assert_signed_in(browser)


def test_logout_ends_only_its_own_session(app, agent):
    laptop, phone = sign_in(app, agent), sign_in(app, agent)
    post_form(laptop, "/logout")
    assert_signed_out(laptop)
    assert_signed_in(phone)
    assert open_sessions(agent) == 1


# --- blocking -------------------------------------------------------------------------------------------


def block_by_action(owner_client, person, action="block"):
    return owner_client.post(
        "/admin/staff/action/",
        data={"action": action, "rowid": [str(person.id)], "csrf_token": csrf_token(owner_client, "/admin/staff/")},
    )


def test_blocking_a_user_ends_his_sessions_at_once(app, owner, agent):
    laptop, phone = sign_in(app, agent), sign_in(app, agent)
    assert block_by_action(sign_in(app, owner), agent).status_code == 302
    assert fresh(User, agent.id).is_blocked is True
    for client in (laptop, phone):
        assert_signed_out(client)
    assert open_sessions(agent) == 0


def test_unblocking_does_not_revive_ended_sessions(app, owner, agent):
    laptop = sign_in(app, agent)
    boss = sign_in(app, owner)
    block_by_action(boss, agent)
    block_by_action(boss, agent, action="unblock")
    assert fresh(User, agent.id).is_blocked is False
    assert_signed_out(laptop)
    assert_signed_in(sign_in(app, agent))


def test_a_user_blocked_directly_in_the_database_is_out_on_his_next_request(app, agent):
    browser = sign_in(app, agent)
    db.session.get(User, agent.id).is_blocked = True
    db.session.commit()
    assert_signed_out(browser)


def test_blocking_leaves_the_owners_own_session_alone(app, owner, agent):
    boss = sign_in(app, owner)
    block_by_action(boss, agent)
    assert_signed_in(boss)


# --- idle timeout -----------------------------------------------------------------------------------------


def test_an_idle_session_ends_and_the_next_request_goes_to_sign_in(app, agent):
    browser = sign_in(app, agent)
    idle = current_app.config["IDLE_TIMEOUT_MINUTES"]
    age_sessions(agent, last_seen_at=timedelta(minutes=idle + 1))
    assert_signed_out(browser)
    assert open_sessions(agent) == 0


def test_a_session_used_within_the_idle_limit_keeps_working(app, agent):
    browser = sign_in(app, agent)
    idle = current_app.config["IDLE_TIMEOUT_MINUTES"]
    age_sessions(agent, last_seen_at=timedelta(minutes=idle - 1))
    assert_signed_in(browser)
    # ...and the request moved last_seen_at forward, so the clock starts again.
    db.session.expire_all()
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == agent.id))
    assert utcnow() - record.last_seen_at < timedelta(minutes=1)


def test_an_idle_session_stays_ended_once_the_user_comes_back(app, agent):
    browser = sign_in(app, agent)
    age_sessions(agent, last_seen_at=timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"] + 5))
    assert_signed_out(browser)
    age_sessions(agent, last_seen_at=timedelta(0))
    assert_signed_out(browser)


# --- password change ----------------------------------------------------------------------------------------


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(
        client,
        "/admin/profile/password",
        current_password=current,
        new_password=new,
        confirm=confirm or new,
    )


def test_a_password_change_ends_other_sessions_but_not_this_one(app, agent):
    laptop, phone = sign_in(app, agent), sign_in(app, agent)
    thief = new_client(app)
    copy_session_cookie(phone, thief)
    response = change_password(laptop)
    assert response.status_code == 302
    assert_signed_in(laptop)
    assert_signed_out(phone)
    assert_signed_out(thief)
    assert open_sessions(agent) == 1


def test_after_a_password_change_only_the_new_password_signs_in(app, agent):
    change_password(sign_in(app, agent))
    assert post_login(new_client(app), agent.username, PASSWORD).status_code == 401
    assert post_login(new_client(app), agent.username, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_changes_nothing_and_ends_no_session(app, agent):
    laptop, phone = sign_in(app, agent), sign_in(app, agent)
    before = db.session.get(User, agent.id).password_hash
    response = change_password(laptop, current="not-my-password")
    assert response.status_code == 400
    assert "The current password is wrong." in response.text
    assert fresh(User, agent.id).password_hash == before
    assert_signed_in(phone)
    assert open_sessions(agent) == 2
