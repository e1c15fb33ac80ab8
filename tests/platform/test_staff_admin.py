"""Staff directory (owner) and "my team" (leaders) through the real admin pages."""

import csv
import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from extensions import db
from models.platform.user import User, UserSession
from tests.conftest import csrf_token
from tests.exports.helpers import run_worker, start_export
from tests.factories.platform import PASSWORD, make_office, make_user, place, role
from tests.view_helpers import RequestClient, signed_in

NEW_PASSWORD = "fresh-start-2024"


@pytest.fixture
def owner():
    return make_user("owner", "owner", full_name="Olena Owner", language="en")


@pytest.fixture
def web(app, login_as, owner):
    return signed_in(app, login_as, owner)


def person_form(**overrides):
    fields = {
        "username": "Nova.Person",
        "full_name": "Nova Person",
        "email": "nova@example.com",
        "phone": "+380501112233",
        "role": str(role("agent").id),
        "language": "en",
        "timezone": "Europe/Kyiv",
        "new_password": NEW_PASSWORD,
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def post(web, target, form_url=None, **data):
    return web.post(target, data=dict(data, csrf_token=csrf_token(web, form_url or target)))


def act(web, view, action, *people):
    return web.post(
        f"/admin/{view}/action/",
        data={
            "action": action,
            "rowid": [str(p.id) for p in people],
            "csrf_token": csrf_token(web, f"/admin/{view}/"),
        },
    )


def fresh(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def row_ids(page):
    return {int(i) for i in re.findall(r'name="rowid"[^>]*value="(\d+)"', page.text)}


def browser(app):
    return RequestClient(app, app.response_class, use_cookies=True)


def can_sign_in(app, username, password):
    client = browser(app)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_token(client, "/login")}
    )
    return response.status_code == 302


def test_owner_creates_a_person_who_can_then_sign_in(app, login_as, web):
    response = post(web, "/admin/staff/new/", **person_form())
    assert response.status_code == 302, response.text
    person = db.session.scalar(select(User).where(User.username == "nova.person"))
    assert (person.full_name, person.role.code, person.is_blocked) == ("Nova Person", "agent", False)
    assert person.password_hash.startswith("$argon2")
    client = login_as(SimpleNamespace(username="nova.person"), password=NEW_PASSWORD, client=browser(app))
    assert client.get("/admin/").status_code == 200


def test_a_new_person_without_a_password_is_refused_and_nothing_is_saved(web):
    response = post(web, "/admin/staff/new/", **person_form(new_password=None))
    assert response.status_code == 200
    assert "Set a password for the new person." in response.text
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "nova.person")) == 0


def test_a_too_short_password_is_refused(web):
    response = post(web, "/admin/staff/new/", **person_form(new_password="short"))
    assert response.status_code == 200
    assert db.session.scalar(select(User.id).where(User.username == "nova.person")) is None


def test_owner_edits_a_person(web):
    person = make_user("edited", "agent", full_name="Old Name")
    url = f"/admin/staff/edit/?id={person.id}"
    form = person_form(username="edited", full_name="New Name", role=str(role("accountant").id), new_password=None)
    response = post(web, url, **form)
    assert response.status_code == 302, response.text
    person = fresh(person)
    assert (person.full_name, person.role.code, person.phone) == ("New Name", "accountant", "+380501112233")


def test_a_password_set_by_the_owner_replaces_the_old_one(app, web):
    person = make_user("forgetful", "agent")
    url = f"/admin/staff/edit/?id={person.id}"
    assert post(web, url, **person_form(username="forgetful", new_password=NEW_PASSWORD)).status_code == 302
    assert can_sign_in(app, "forgetful", NEW_PASSWORD)
    assert not can_sign_in(app, "forgetful", PASSWORD)


def test_blocking_a_person_ends_his_sessions_at_once(app, login_as, web):
    person = make_user("blocked", "agent")
    his_browser = signed_in(app, login_as, person)
    assert his_browser.get("/admin/").status_code == 200

    response = act(web, "staff", "block", person)
    assert response.status_code == 302
    assert fresh(person).is_blocked is True
    open_sessions = (
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == person.id, UserSession.ended_at.is_(None))
    )
    assert db.session.scalar(open_sessions) == 0
    assert his_browser.get("/admin/").status_code == 302
    assert not can_sign_in(app, "blocked", PASSWORD)

    act(web, "staff", "unblock", person)
    assert fresh(person).is_blocked is False
    assert can_sign_in(app, "blocked", PASSWORD)


def test_soft_delete_keeps_the_row_hides_it_and_stops_sign_in(app, web):
    person = make_user("leaver", "agent")
    assert person.id in row_ids(web.get("/admin/staff/"))
    response = post(web, "/admin/staff/delete/", "/admin/staff/", id=str(person.id), url="/admin/staff/")
    assert response.status_code == 302
    kept = fresh(person)
    assert kept is not None and kept.deleted_at is not None
    assert person.id not in row_ids(web.get("/admin/staff/"))
    assert web.get(f"/admin/staff/edit/?id={person.id}").status_code == 404
    assert not can_sign_in(app, "leaver", PASSWORD)


def test_owner_cannot_block_himself_by_the_action(web, owner):
    act(web, "staff", "block", owner)
    assert fresh(owner).is_blocked is False
    assert web.get("/admin/").status_code == 200


def test_owner_cannot_block_himself_in_the_edit_form(web, owner):
    url = f"/admin/staff/edit/?id={owner.id}"
    form = person_form(username="owner", role=str(role("owner").id), is_blocked="y", new_password=None)
    response = post(web, url, **form)
    assert response.status_code == 200
    assert "You cannot block yourself." in response.text
    assert fresh(owner).is_blocked is False
    assert web.get("/admin/").status_code == 200


def test_owner_cannot_delete_himself(web, owner):
    response = post(web, "/admin/staff/delete/", "/admin/staff/", id=str(owner.id), url="/admin/staff/")
    assert response.status_code == 302
    assert fresh(owner).deleted_at is None
    page = web.get("/admin/staff/")
    assert page.status_code == 200 and "You cannot delete yourself." in page.text


def test_staff_pages_are_forbidden_to_a_manager(app, login_as):
    manager = make_user("manager", "manager")
    client = signed_in(app, login_as, manager)
    assert client.get("/admin/staff/").status_code == 403
    assert client.get("/admin/staff/new/").status_code == 403


@pytest.fixture
def team():
    office = make_office()
    people = {n: make_user(n, r) for n, r in [("manager", "manager"), ("peer", "manager")]}
    people |= {n: make_user(n, "agent") for n in ("agent", "agent2", "trainee", "peer_agent", "loner")}
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    place(people["trainee"], office, "intern", boss=place(people["agent2"], office, "supervisor", boss=boss))
    place(people["peer_agent"], office, "employee", boss=place(people["peer"], office, "head_of_department"))
    return people


def test_team_view_lists_exactly_the_managers_subordinates(app, login_as, team):
    client = signed_in(app, login_as, team["manager"])
    page = client.get("/admin/team/")
    assert page.status_code == 200
    assert row_ids(page) == {team[n].id for n in ("agent", "agent2", "trainee")}


def test_team_view_hides_a_deleted_subordinate(app, login_as, team):
    team["agent"].deleted_at = team["agent"].created_at
    db.session.commit()
    page = signed_in(app, login_as, team["manager"]).get("/admin/team/")
    assert row_ids(page) == {team["agent2"].id, team["trainee"].id}


def test_manager_blocks_his_subordinate_from_the_team_view(app, login_as, team):
    client = signed_in(app, login_as, team["manager"])
    assert act(client, "team", "block", team["trainee"]).status_code == 302
    assert fresh(team["trainee"]).is_blocked is True


def test_manager_cannot_block_a_peers_subordinate_or_someone_outside_his_team(app, login_as, team):
    client = signed_in(app, login_as, team["manager"])
    act(client, "team", "block", team["peer_agent"], team["loner"], team["peer"], team["manager"])
    for name in ("peer_agent", "loner", "peer", "manager"):
        assert fresh(team[name]).is_blocked is False, name


def test_a_team_member_without_team_rights_cannot_open_the_team_view(app, login_as, team):
    assert signed_in(app, login_as, team["agent"]).get("/admin/team/").status_code == 403


# --- a team is one's subordinates in the org tree, whatever one's scope ---------------------------------


@pytest.fixture
def org():
    """An administrator (scope.all) heading a manager and his agent, the owner placed under the
    administrator too, an office head with nobody under him, and another manager's team beside."""
    office = make_office()
    people = {
        "owner": make_user("the.owner", "owner", full_name="Olena Owner", email="olena@example.com"),
        "admin": make_user("the.admin", "administrator", full_name="Ada Admin", language="en"),
        "manager": make_user("the.manager", "manager", full_name="Maria Manager", language="en"),
        "agent": make_user("the.agent", "agent", full_name="Andrii Agent", email="andrii@example.com"),
        "outsider": make_user("outsider", "manager", full_name="Oleh Outsider", email="oleh@example.com"),
        "outsider_agent": make_user("outsider.agent", "agent", full_name="Orest Outside"),
        "office_head": make_user("office.head", full_name="Ivan Office Head", language="en"),
    }
    top = place(people["admin"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=place(people["manager"], office, "supervisor", boss=top))
    place(people["owner"], office, "employee", boss=top)
    place(people["outsider_agent"], office, "employee", boss=place(people["outsider"], office, "head_of_department"))
    place(people["office_head"], office, "office_head")
    return people


TEAMS = {"admin": ("manager", "agent"), "manager": ("agent",), "office_head": ()}


def team_export_names(app, client):
    response = start_export(client, list="team", format="csv", token_page="/admin/team/")
    assert response.status_code == 202, response.text
    run_worker(app)
    status = client.get(f"/admin/exports/{response.json['id']}").json
    rows = list(csv.reader(io.StringIO(client.get(status["download_url"]).data.decode("utf-8-sig"))))
    return {row[1] for row in rows[1:]}


@pytest.mark.parametrize("leader", list(TEAMS))
def test_the_team_page_and_its_export_hold_only_the_leaders_subordinates(app, login_as, org, leader):
    client = signed_in(app, login_as, org[leader])
    team_ids = {org[name].id for name in TEAMS[leader]}
    assert row_ids(client.get("/admin/team/")) == team_ids
    assert row_ids(client.get("/admin/team/?search=example.com")) == team_ids & {org["agent"].id}
    assert client.get("/admin/figures").json["figures"]["team"] == len(team_ids)
    assert team_export_names(app, client) == {org[name].full_name for name in TEAMS[leader]}
    for name, person in org.items():
        details = client.get(f"/admin/team/details/?id={person.id}")
        if person.id in team_ids:
            assert details.status_code == 200 and person.full_name in details.text
        else:
            assert details.status_code == 404, name
            assert person.full_name not in details.text


def test_a_leader_with_team_rights_acts_on_his_subordinates_only(app, login_as, org):
    client = signed_in(app, login_as, org["manager"])
    act(client, "team", "block", org["outsider_agent"], org["owner"], org["admin"], org["agent"])
    assert [fresh(org[name]).is_blocked for name in ("outsider_agent", "owner", "admin", "agent")] == [
        False,
        False,
        False,
        True,
    ]
