"""Who may open which admin page, and that nobody reaches records outside his scope by id.

The expected table is written out here from seeds/roles.yaml on purpose: asking the policy code
what to expect would only prove that the policy agrees with itself."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models.cards.directory import Bank, Contractor
from models.platform.org import Office
from models.platform.user import User, UserSession
from tests.conftest import csrf_token
from tests.factories.platform import make_office, make_user, place
from tests.view_helpers import (
    assert_signed_in,
    is_sent_to_login,
    location_next,
    location_path,
    new_client,
    post_form,
    sign_in,
)

ROLES = ("owner", "administrator", "accountant", "agent", "manager")
POSITIONS = ("intern", "supervisor", "office_head")
EVERYONE = frozenset(ROLES + POSITIONS)
OWNER = frozenset({"owner"})
# team.view: owner, administrator and manager by role; supervisor and office_head by position.
TEAM = frozenset({"owner", "administrator", "manager", "supervisor", "office_head"})

# URL -> who gets 200. Everybody else signed in gets 403; anonymous visitors go to /login.
ALLOWED = {
    "/admin/": EVERYONE,  # dashboard.view
    "/admin/team/": TEAM,
    "/admin/staff/": OWNER,  # staff.view
    "/admin/staff/new/": OWNER,  # staff.manage
    "/admin/contractors/": OWNER,  # contractors.view
    "/admin/contractors/new/": OWNER,  # contractors.manage
    "/admin/banks/": frozenset({"owner", "administrator"}),  # banks.view
    "/admin/banks/new/": frozenset({"owner", "administrator"}),  # banks.manage
    "/admin/offices/": OWNER,  # org.manage
    "/admin/departments/": OWNER,
    "/admin/positions/": OWNER,
    "/admin/memberships/": OWNER,
    "/admin/roles/": OWNER,
    "/admin/changelog/": OWNER,  # audit.view
    "/admin/jobs/": OWNER,  # jobs.manage
    "/admin/profile/": EVERYONE,  # profile.edit
    "/admin/tasks/": EVERYONE,  # tasks.view
    "/admin/tasks/?tab=outgoing": EVERYONE,
    "/admin/tasks/new/": EVERYONE,
    "/admin/tasks/?tab=all": OWNER,  # tasks.view_all
    "/admin/tasks/auto/": frozenset(ROLES),  # tasks.view + cards.view (no position profile has it)
    "/admin/reports/finance/": OWNER,  # reports.finance
    "/admin/reports/finance/data": OWNER,
    "/admin/exports/": EVERYONE,  # dashboard.view: one's own exports
    "/admin/export-schedules/": OWNER,  # exports.schedule
    "/admin/export-schedules/new/": OWNER,
}
# "nobody": signed in, but with no role and no position: deny by default, everywhere.
PRINCIPALS = ROLES + POSITIONS + ("nobody", "anonymous")
MARKER = "Zqx"  # in the names of records nobody denied may see
LIST_MARKERS = {
    "/admin/banks/": "Zqx Marker Bank",
    "/admin/contractors/": "Zqx Marker Contractor",
    "/admin/staff/": "Zqx Secret Person",
    "/admin/offices/": "Zqx Marker Office",
}


def expected(principal, url):
    if principal == "anonymous":
        return "login"
    return 200 if principal in ALLOWED[url] else 403


def test_the_table_covers_every_principal_and_says_something_for_each():
    outcomes = {expected(p, url) for p in PRINCIPALS for url in ALLOWED}
    assert outcomes == {200, 403, "login"}
    assert expected("administrator", "/admin/banks/") == 200 and expected("accountant", "/admin/banks/") == 403


def make_principal(name):
    if name in ROLES:
        return make_user(role_code=name, full_name=f"The {name}", language="en")
    user = make_user(full_name=f"The {name}", language="en")
    if name in POSITIONS:
        place(user, make_office(), name)
    return user


@pytest.fixture
def markers():
    db.session.add_all([Bank(name="Zqx Marker Bank"), Contractor(name="Zqx Marker Contractor")])
    db.session.commit()
    make_office("Zqx Marker Office")
    make_user(role_code="agent", full_name="Zqx Secret Person")


@pytest.mark.parametrize("url", list(ALLOWED))
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_role_url_matrix(app, markers, principal, url):
    client = new_client(app) if principal == "anonymous" else sign_in(app, make_principal(principal))
    response = client.get(url)
    want = expected(principal, url)
    if want == "login":
        assert is_sent_to_login(response), (response.status_code, response.headers.get("Location"))
        assert location_next(response).startswith(url)
    elif want == 403:
        assert response.status_code == 403
        assert MARKER not in response.text
    else:
        assert response.status_code == 200
        if url in LIST_MARKERS:
            assert LIST_MARKERS[url] in response.text


# --- writes a role may not make ---------------------------------------------------------------------

DENIED_WRITES = [
    ("accountant", "/admin/banks/new/", Bank, {"name": "Sneaky Bank", "commission_percent": "1"}),
    ("administrator", "/admin/staff/new/", User, {"username": "sneaky", "full_name": "S", "new_password": "x" * 12}),
    ("agent", "/admin/contractors/new/", Contractor, {"name": "Sneaky Contractor"}),
    ("manager", "/admin/offices/new/", Office, {"name": "Sneaky Office"}),
]


@pytest.mark.parametrize(("role_code", "url", "model", "data"), DENIED_WRITES, ids=[w[0] for w in DENIED_WRITES])
def test_a_denied_create_is_403_and_creates_nothing(app, role_code, url, model, data):
    client = sign_in(app, make_user(role_code=role_code))
    before = db.session.scalar(select(func.count()).select_from(model))
    response = post_form(client, url, **data)
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(model)) == before


def test_an_accountant_cannot_edit_or_delete_a_bank(app):
    bank = Bank(name="Real Bank", code="300001")
    db.session.add(bank)
    db.session.commit()
    client = sign_in(app, make_user(role_code="accountant"))
    edit = post_form(client, f"/admin/banks/edit/?id={bank.id}", name="Renamed", code="666")
    delete = post_form(client, "/admin/banks/delete/", id=str(bank.id))
    assert (edit.status_code, delete.status_code) == (403, 403)
    db.session.expire_all()
    bank = db.session.get(Bank, bank.id)
    assert (bank.name, bank.code) == ("Real Bank", "300001")


# --- IDOR: records outside the scope, by id ------------------------------------------------------------


@pytest.fixture
def two_teams():
    office = make_office()
    people = {
        "manager": make_user(role_code="manager", full_name="Mykola Manager", language="en"),
        "agent": make_user(role_code="agent", full_name="Anna Mine"),
        "manager2": make_user(role_code="manager", full_name="Marko Other"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Theirs"),
    }
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    boss2 = place(people["manager2"], office, "head_of_department")
    place(people["agent2"], office, "employee", boss=boss2)
    return people


def test_a_manager_sees_only_his_own_subordinates_in_my_team(app, two_teams):
    page = sign_in(app, two_teams["manager"]).get("/admin/team/")
    assert page.status_code == 200
    assert "Anna Mine" in page.text
    assert "Bohdan Theirs" not in page.text and "Marko Other" not in page.text


def test_a_manager_opens_his_own_subordinate_but_not_another_managers_agent(app, two_teams):
    client = sign_in(app, two_teams["manager"])
    mine = client.get(f"/admin/team/details/?id={two_teams['agent'].id}")
    assert mine.status_code == 200 and "Anna Mine" in mine.text
    theirs = client.get(f"/admin/team/details/?id={two_teams['agent2'].id}")
    assert theirs.status_code in (403, 404)
    assert "Bohdan Theirs" not in theirs.text


def _block_action(client, *people):
    return client.post(
        "/admin/team/action/",
        data={
            "action": "block",
            "rowid": [str(p.id) for p in people],
            "csrf_token": csrf_token(client, "/admin/team/"),
        },
    )


def test_a_manager_cannot_block_another_managers_agent(app, two_teams):
    victim = two_teams["agent2"]
    victim_client = sign_in(app, victim)
    response = _block_action(sign_in(app, two_teams["manager"]), victim)
    assert response.status_code < 500
    assert fresh_user(victim).is_blocked is False
    ended = db.session.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == victim.id, UserSession.ended_at.is_not(None))
    )
    assert ended == 0
    assert_signed_in(victim_client)


def test_a_manager_blocks_his_own_subordinate_through_the_same_action(app, two_teams):
    response = _block_action(sign_in(app, two_teams["manager"]), two_teams["agent"])
    assert response.status_code == 302
    assert fresh_user(two_teams["agent"]).is_blocked is True


def test_an_agent_cannot_open_or_post_another_persons_staff_card(app, two_teams):
    agent = sign_in(app, two_teams["agent"])
    other = two_teams["agent2"]
    assert agent.get(f"/admin/staff/edit/?id={other.id}").status_code == 403
    assert agent.get(f"/admin/staff/details/?id={other.id}").status_code == 403
    response = post_form(agent, f"/admin/staff/edit/?id={other.id}", username=other.username, full_name="Hacked")
    assert response.status_code == 403
    assert fresh_user(other).full_name == "Bohdan Theirs"


GARBAGE_IDS = ["abc", "999999", "-1", "0", " ", "1.5", "²", "99999999999999999999", "1%00", "1' OR '1'='1"]
ID_PAGES = ["/admin/staff/edit/", "/admin/staff/details/", "/admin/team/details/", "/admin/banks/edit/"]


@pytest.mark.parametrize("page", ID_PAGES)
@pytest.mark.parametrize("bad_id", GARBAGE_IDS, ids=repr)
def test_garbage_ids_are_a_clean_404_never_a_500(app, page, bad_id):
    client = sign_in(app, make_user(role_code="owner"))
    response = client.get(page, query_string={"id": bad_id})
    assert response.status_code == 404


@pytest.mark.parametrize("page", ID_PAGES)
def test_an_empty_id_goes_back_to_the_list(app, page):
    client = sign_in(app, make_user(role_code="owner"))
    response = client.get(page, query_string={"id": ""})
    assert response.status_code == 302
    assert location_path(response) == page.rsplit("/", 2)[0] + "/"


@pytest.mark.parametrize("bad_id", ["abc", "²", "99999999999999999999", "-1", ""], ids=repr)
def test_garbage_ids_in_a_block_action_change_nothing(app, two_teams, bad_id):
    client = sign_in(app, two_teams["manager"])
    response = client.post(
        "/admin/team/action/",
        data={"action": "block", "rowid": [bad_id], "csrf_token": csrf_token(client, "/admin/team/")},
    )
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User).where(User.is_blocked)) == 0


def fresh_user(user):
    db.session.expire_all()
    return db.session.get(User, user.id)
