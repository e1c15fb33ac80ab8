"""Whenever a person's access changes — a new password, blocked or deleted, another role, a 2FA
rule — his other sessions end, and their sockets with them, whatever path made the change: the
staff form, the profile, the CLI, a job. And a socket never outlives its session."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from jobs.platform import end_idle_sessions
from models.base import utcnow
from models.platform.org import Membership, Position
from models.platform.user import User, UserSession
from services.platform import staff
from tests.factories.platform import make_office, make_user, place, role
from tests.view_helpers import assert_signed_in, assert_signed_out, fresh, post_form, sign_in

NEW_PASSWORD = "brand-new-secret-7"


@pytest.fixture
def people():
    office = make_office()
    team = {
        "owner": make_user(role_code="owner", language="en"),
        "manager": make_user(role_code="manager", language="en"),
        "agent": make_user(role_code="agent", language="en"),
    }
    boss = place(team["manager"], office, "head_of_department")
    place(team["agent"], office, "employee", boss=boss)
    return team


def live_sessions(user):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    )


def save_in_staff_form(owner, person, **changes):
    """The owner saves the person's record in the staff form with these changes."""
    url = f"/admin/staff/edit/?id={person.id}"
    fields = {"username": person.username, "full_name": person.full_name, "role": str(person.role_id)}
    fields.update(language="en", timezone="Europe/Kyiv", **changes)
    response = post_form(owner, url, form_page=url, **fields)
    assert response.status_code == 302, response.text


def assert_cut_off(browser, socket):
    assert_signed_out(browser)
    assert socket.received("session_ended") == [{}]
    assert not socket.connected


def test_a_password_set_by_the_owner_in_the_staff_form_ends_the_sessions_and_sockets(app, people, sockets):
    victim_browser = sign_in(app, people["agent"])
    victim_socket = sockets(victim_browser)
    bystander = sockets(sign_in(app, people["manager"]))
    assert victim_socket.connected and bystander.connected
    owner = sign_in(app, people["owner"])
    save_in_staff_form(owner, people["agent"], new_password=NEW_PASSWORD)
    assert_cut_off(victim_browser, victim_socket)
    assert live_sessions(people["agent"]) == 0
    assert bystander.connected and bystander.received("session_ended") == []
    assert_signed_in(owner)


def test_a_role_changed_in_the_staff_form_ends_the_sessions_and_sockets(app, people, sockets):
    victim_browser = sign_in(app, people["agent"])
    victim_socket = sockets(victim_browser)
    save_in_staff_form(sign_in(app, people["owner"]), people["agent"], role=str(role("accountant").id))
    assert_cut_off(victim_browser, victim_socket)


def test_an_own_password_change_keeps_this_session_and_ends_the_others_with_their_sockets(app, people, sockets):
    here = sign_in(app, people["agent"])
    here_socket = sockets(here)
    elsewhere = sign_in(app, people["agent"])
    elsewhere_socket = sockets(elsewhere)
    response = post_form(
        here,
        "/admin/profile/password",
        current_password="correct-horse-42",
        new_password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert response.status_code == 302, response.text
    assert_signed_in(here)
    assert here_socket.connected and here_socket.received("session_ended") == []
    assert_cut_off(elsewhere, elsewhere_socket)


def test_the_cli_password_command_ends_the_sessions_and_sockets(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    result = app.test_cli_runner().invoke(args=["set-password", people["agent"].username, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert_cut_off(browser, socket)
    assert sign_in(app, fresh(User, people["agent"].id), password=NEW_PASSWORD)


def test_the_cli_password_command_refuses_a_short_password_and_an_unknown_person(app, people):
    runner = app.test_cli_runner()
    before = fresh(User, people["agent"].id).password_hash
    assert runner.invoke(args=["set-password", people["agent"].username, "--password", "short"]).exit_code != 0
    assert runner.invoke(args=["set-password", "nobody-here", "--password", NEW_PASSWORD]).exit_code != 0
    assert fresh(User, people["agent"].id).password_hash == before


def test_a_change_made_outside_a_request_ends_the_sessions_and_sockets(app, people, sockets):
    """As a job or a script would: the services change the person, the commit ends his sockets."""
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    staff.soft_delete(db.session.get(User, people["agent"].id))
    assert socket.connected  # nothing is sent before the commit
    db.session.commit()
    assert_cut_off(browser, socket)


def test_a_role_that_starts_to_require_2fa_ends_its_peoples_sessions(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    other = sockets(sign_in(app, people["owner"]))
    role("agent").require_2fa = True
    db.session.commit()
    assert_cut_off(browser, socket)
    assert other.connected


def test_a_position_taken_away_ends_the_persons_sessions(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == people["agent"].id))
    db.session.delete(membership)
    db.session.commit()
    assert_cut_off(browser, socket)


def test_a_position_changed_ends_the_persons_sessions(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == people["agent"].id))
    membership.position = db.session.scalar(select(Position).where(Position.code == "intern"))
    db.session.commit()
    assert_cut_off(browser, socket)


def test_a_new_position_whose_profile_requires_2fa_ends_the_persons_sessions(app, people, sockets):
    browser = sign_in(app, people["owner"])
    socket = sockets(browser)
    db.session.scalar(select(Position).where(Position.code == "office_head")).role.require_2fa = True
    db.session.commit()
    place(people["owner"], make_office(), "office_head")
    assert_cut_off(browser, socket)


def test_a_new_position_that_only_adds_keeps_the_session(app, people, sockets):
    browser = sign_in(app, people["owner"])
    socket = sockets(browser)
    place(people["owner"], make_office(), "office_head")
    assert socket.connected
    assert_signed_in(browser)


def test_a_change_rolled_back_ends_nothing(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    staff.set_password(db.session.get(User, people["agent"].id), NEW_PASSWORD)
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert socket.connected and socket.received("session_ended") == []
    assert_signed_in(browser)


def test_other_changes_of_a_person_end_nothing(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    agent = db.session.get(User, people["agent"].id)
    agent.full_name, agent.phone, agent.language = "Renamed", "+380 44 000 00 00", "ru"
    db.session.commit()
    assert socket.connected
    assert_signed_in(browser)


# --- a socket never outlives its session -----------------------------------------------------------


def leave_idle(app, person):
    """The person's sessions last seen just past the idle timeout."""
    idle = timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)
    for record in db.session.scalars(select(UserSession).where(UserSession.user_id == person.id)):
        record.last_seen_at = utcnow() - idle
    db.session.commit()


def test_an_idle_session_ended_by_the_job_closes_its_socket(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    leave_idle(app, people["agent"])
    assert end_idle_sessions() == 1
    assert_cut_off(browser, socket)


def test_an_idle_session_found_by_a_request_closes_its_socket(app, people, sockets):
    browser = sign_in(app, people["agent"])
    socket = sockets(browser)
    leave_idle(app, people["agent"])
    assert_cut_off(browser, socket)


def test_a_person_who_must_set_up_2fa_gets_no_socket(app, people, sockets):
    role("agent").require_2fa = True
    db.session.commit()
    browser = sign_in(app, people["agent"])
    assert browser.get("/admin/tracker/").status_code == 302  # the HTTP side sends him to his profile
    assert not sockets(browser).connected
    assert sockets(sign_in(app, people["manager"])).connected
