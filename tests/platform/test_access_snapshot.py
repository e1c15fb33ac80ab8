"""Each process keeps people's access per version of the 'access' signal: a signed-in request reads
no grants, memberships or positions, and a change from anywhere — the panel, another process, psql
— takes effect at the next request."""

import pytest
from sqlalchemy import text

from extensions import db
from tests.factories.cards import make_card
from tests.factories.platform import make_office, make_user, place
from tests.sql_capture import get_with_sql
from tests.view_helpers import assert_signed_out, location_path, run_outside_app, sign_in


def version():
    with db.engine.connect() as connection:
        return connection.scalar(text("SELECT version FROM cache_signals WHERE name = 'access'"))


@pytest.fixture
def agent():
    return make_user("snap_agent", "agent", language="en")


def test_a_signed_in_request_reads_no_grants_memberships_or_positions_once_kept(app, agent):
    place(agent, make_office("Kyiv"), "employee")
    client = sign_in(app, agent)
    client.get("/admin/tracker/counts")
    response, sql = get_with_sql(client, "/admin/tracker/counts")
    assert response.status_code == 200
    assert "cache_signals" in sql.statements[0] and "user_sessions" in sql.statements[0]  # the one sign-in query
    loads = [s for s in sql.statements if "role_permissions" in s or "positions" in s or "memberships" in s]
    assert not loads  # his people are kept too


def test_the_people_he_sees_are_kept_until_the_hierarchy_changes(app, agent):
    office = make_office("Dnipro")
    boss = make_user("snap_boss", "manager", language="en")
    top = place(boss, office, "employee")
    place(agent, office, "employee", boss=top)
    client = sign_in(app, boss)
    client.get("/admin/tracker/counts")
    response, sql = get_with_sql(client, "/admin/tracker/counts")
    assert response.status_code == 200 and not [s for s in sql.statements if "memberships" in s]
    newcomer = make_user("snap_newcomer", "agent", language="en")
    card = make_card(agent=newcomer)
    assert client.get("/admin/tracker/counts").get_json().get(str(card.stage_id), 0) == 0
    place(newcomer, office, "employee", boss=top)  # a membership: the version moves on
    response, sql = get_with_sql(client, "/admin/tracker/counts")
    assert [s for s in sql.statements if "memberships" in s]  # read again, once
    assert response.get_json()[str(card.stage_id)] == 1


def test_a_grant_from_outside_the_app_applies_at_the_next_request(app, agent):
    client = sign_in(app, agent)
    assert client.get("/admin/staff/").status_code == 403
    before = version()
    run_outside_app(
        "INSERT INTO role_permissions (role_id, permission) VALUES (:role, 'staff.view')",
        role=agent.role_id,
    )
    assert version() != before
    assert client.get("/admin/staff/").status_code == 200
    run_outside_app(
        "DELETE FROM role_permissions WHERE role_id = :role AND permission = 'staff.view'", role=agent.role_id
    )
    assert client.get("/admin/staff/").status_code == 403


def test_a_new_role_or_position_applies_at_the_next_request(app, agent):
    client = sign_in(app, agent)
    assert client.get("/admin/staff/").status_code == 403
    run_outside_app(
        "UPDATE users SET role_id = (SELECT id FROM roles WHERE code = 'owner') WHERE id = :id", id=agent.id
    )
    assert client.get("/admin/staff/").status_code == 200

    # No role of his own: what he may do comes from his position's access profile.
    run_outside_app("UPDATE users SET role_id = NULL WHERE id = :id", id=agent.id)
    membership = place(agent, make_office("Lviv"), "employee")
    assert client.get("/admin/tracker/").status_code == 403
    run_outside_app(
        "UPDATE positions SET role_id = (SELECT id FROM roles WHERE code = 'manager') WHERE id = :position",
        position=membership.position_id,
    )
    assert client.get("/admin/tracker/").status_code == 200
    run_outside_app("DELETE FROM memberships WHERE id = :id", id=membership.id)
    assert client.get("/admin/tracker/").status_code == 403


def test_a_role_that_starts_to_require_two_factor_holds_its_people_at_once(app, agent):
    client = sign_in(app, agent)
    assert client.get("/admin/tracker/").status_code == 200
    run_outside_app("UPDATE roles SET require_2fa = true WHERE id = :role", role=agent.role_id)
    response = client.get("/admin/tracker/")
    assert response.status_code == 302 and location_path(response) == "/admin/profile/"


def test_blocking_is_never_served_from_memory(app, agent):
    client = sign_in(app, agent)
    assert client.get("/admin/tracker/").status_code == 200
    before = version()
    run_outside_app("UPDATE users SET is_blocked = true WHERE id = :id", id=agent.id)
    assert version() == before  # not an access change: the session query itself refuses him
    assert_signed_out(client)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO role_permissions (role_id, permission) VALUES (:role, 'audit.view')",
        "UPDATE role_permissions SET permission = 'banks.view' WHERE role_id = :role AND permission = 'cards.view'",
        "DELETE FROM role_permissions WHERE role_id = :role AND permission = 'cards.view'",
        "UPDATE roles SET require_2fa = true WHERE id = :role",
        "UPDATE users SET role_id = :role WHERE username = 'snap_agent'",
        "INSERT INTO memberships (user_id, office_id, position_id, path, created_at, updated_at)"
        " SELECT u.id, o.id, p.id, 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users u, offices o, positions p"
        " WHERE u.username = 'snap_agent' AND p.code = 'employee'",
        "UPDATE positions SET role_id = :role WHERE code = 'employee'",
    ],
)
def test_every_change_of_access_bumps_the_version(app, agent, statement):
    make_office("Odesa")
    before = version()
    run_outside_app(statement, role=agent.role_id)
    assert version() != before


def test_other_changes_leave_the_version_alone(app, agent):
    before = version()
    run_outside_app("UPDATE users SET full_name = 'Renamed', last_login_at = NULL WHERE id = :id", id=agent.id)
    run_outside_app("UPDATE roles SET name_en = 'Field agent' WHERE id = :role", role=agent.role_id)
    assert version() == before
