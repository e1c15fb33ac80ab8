"""Org structure through the real Flask-Admin forms (owner): offices, departments, memberships, roles."""

import re

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from models.platform.org import Department, Membership, Office, Position
from models.platform.user import Role
from services.platform.access import PERMISSIONS
from tests.conftest import csrf_token
from tests.factories.platform import make_department, make_office, make_user, place
from tests.view_helpers import signed_in


@pytest.fixture
def owner():
    return make_user("owner", "owner", language="en")


@pytest.fixture
def web(app, login_as, owner):
    return signed_in(app, login_as, owner)


def submit(web, url, **fields):
    return web.post(url, data=dict(fields, csrf_token=csrf_token(web, url)))


def position_id(code):
    return db.session.scalar(select(Position.id).where(Position.code == code))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_owner_creates_an_office(web):
    response = submit(web, "/admin/offices/new/", name="Odesa", city="Odesa", address="Derybasivska 1", is_active="y")
    assert response.status_code == 302, response.text
    office = db.session.scalar(select(Office).where(Office.name == "Odesa"))
    assert (office.city, office.address, office.is_active) == ("Odesa", "Derybasivska 1", True)


def test_an_office_without_a_name_is_refused(web):
    response = submit(web, "/admin/offices/new/", name="", city="Odesa")
    assert response.status_code == 200
    assert count(Office) == 0


def test_owner_creates_a_department_in_an_office(web):
    office = make_office("Kyiv")
    response = submit(web, "/admin/departments/new/", office=str(office.id), name="Sales floor", kind="sales")
    assert response.status_code == 302, response.text
    department = db.session.scalar(select(Department).where(Department.name == "Sales floor"))
    assert (department.office_id, department.kind) == (office.id, "sales")


def test_a_department_of_an_unknown_kind_is_refused(web):
    office = make_office()
    response = submit(web, "/admin/departments/new/", office=str(office.id), name="Odd", kind="magic")
    assert response.status_code == 200
    assert count(Department) == 0


def test_owner_places_a_person_reporting_to_a_leader_and_the_path_follows(web):
    office = make_office("Kyiv")
    department = make_department(office, "Back office", kind="back_office")
    boss = place(make_user("boss"), office, "head_of_department", department=department)
    person = make_user("newcomer")
    response = submit(
        web,
        "/admin/memberships/new/",
        user=str(person.id),
        office=str(office.id),
        department=str(department.id),
        position=str(position_id("employee")),
        parent=str(boss.id),
    )
    assert response.status_code == 302, response.text
    membership = db.session.scalar(select(Membership).where(Membership.user_id == person.id))
    assert membership.parent_id == boss.id
    assert membership.path == f"/{boss.id}/{membership.id}/"


def test_a_department_of_another_office_is_refused_and_nothing_is_saved(web):
    kyiv, lviv = make_office("Kyiv"), make_office("Lviv")
    lviv_sales = make_department(lviv, "Lviv sales")
    person = make_user("newcomer")
    response = submit(
        web,
        "/admin/memberships/new/",
        user=str(person.id),
        office=str(kyiv.id),
        department=str(lviv_sales.id),
        position=str(position_id("employee")),
    )
    assert response.status_code == 200
    assert "The department belongs to another office." in response.text
    assert count(Membership) == 0


def test_a_person_cannot_be_placed_reporting_to_himself(web):
    office = make_office()
    person = make_user("twice")
    first = place(person, office, "supervisor")
    response = submit(
        web,
        "/admin/memberships/new/",
        user=str(person.id),
        office=str(office.id),
        position=str(position_id("employee")),
        parent=str(first.id),
    )
    assert response.status_code == 200
    assert "cannot report to himself" in response.text
    assert db.session.scalars(select(Membership.id)).all() == [first.id]


def test_moving_a_leader_under_his_own_subordinate_is_refused(web):
    office = make_office()
    boss = place(make_user("boss"), office, "head_of_department")
    middle = place(make_user("middle"), office, "supervisor", boss=boss)
    url = f"/admin/memberships/edit/?id={boss.id}"
    response = submit(
        web, url, user=str(boss.user_id), office=str(office.id), position=str(boss.position_id), parent=str(middle.id)
    )
    assert response.status_code == 200
    assert "cannot report to himself or to someone below him" in response.text
    db.session.expire_all()
    assert (boss.parent_id, boss.path) == (None, f"/{boss.id}/")
    assert middle.path == f"/{boss.id}/{middle.id}/"


def test_reparenting_through_the_form_moves_the_whole_subtree(web):
    office = make_office()
    first_boss = place(make_user("first_boss"), office, "head_of_department")
    second_boss = place(make_user("second_boss"), office, "head_of_department")
    middle = place(make_user("middle"), office, "supervisor", boss=first_boss)
    low = place(make_user("low"), office, "employee", boss=middle)
    url = f"/admin/memberships/edit/?id={middle.id}"
    response = submit(
        web,
        url,
        user=str(middle.user_id),
        office=str(office.id),
        position=str(middle.position_id),
        parent=str(second_boss.id),
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert middle.path == f"/{second_boss.id}/{middle.id}/"
    assert low.path == f"/{second_boss.id}/{middle.id}/{low.id}/"


def test_owner_edits_a_roles_permissions_and_two_factor_requirement(web):
    role = db.session.scalar(select(Role).where(Role.code == "accountant"))
    url = f"/admin/roles/edit/?id={role.id}"
    response = web.post(
        url,
        data={
            "csrf_token": csrf_token(web, url),
            "code": "accountant",
            "name_uk": role.name_uk,
            "name_ru": role.name_ru,
            "name_en": role.name_en,
            "require_2fa": "y",
            "permission_list": ["dashboard.view", "banks.view", "audit.view"],
        },
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    role = db.session.get(Role, role.id)
    assert role.permissions == {"dashboard.view", "banks.view", "audit.view"}
    assert role.require_2fa is True


def test_the_role_form_shows_the_current_grants(web):
    role = db.session.scalar(select(Role).where(Role.code == "agent"))
    page = web.get(f"/admin/roles/edit/?id={role.id}")
    selected = set(re.findall(r'<option selected value="([^"]+)"', page.text))
    selected |= set(re.findall(r'<option value="([^"]+)" selected', page.text))
    assert selected == role.permissions


def test_owner_creates_a_role(web):
    response = web.post(
        "/admin/roles/new/",
        data={
            "csrf_token": csrf_token(web, "/admin/roles/new/"),
            "code": "auditor_ext",
            "name_uk": "Зовнішній аудитор",
            "permission_list": ["dashboard.view", "audit.view"],
        },
    )
    assert response.status_code == 302, response.text
    role = db.session.scalar(select(Role).where(Role.code == "auditor_ext"))
    assert (role.kind, role.require_2fa, role.permissions) == ("role", False, {"dashboard.view", "audit.view"})


def test_an_unknown_permission_is_refused_and_the_role_is_unchanged(web):
    role = db.session.scalar(select(Role).where(Role.code == "agent"))
    before = role.permissions
    url = f"/admin/roles/edit/?id={role.id}"
    response = web.post(
        url,
        data={
            "csrf_token": csrf_token(web, url),
            "code": "agent",
            "name_uk": role.name_uk,
            "permission_list": ["dashboard.view", "cards.destroy_everything"],
        },
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Role, role.id).permissions == before


@pytest.mark.parametrize("url", ["/admin/offices/", "/admin/departments/", "/admin/memberships/", "/admin/roles/"])
def test_org_pages_are_forbidden_to_a_manager(app, login_as, url):
    manager = make_user(role_code="manager")
    assert signed_in(app, login_as, manager).get(url).status_code == 403


def test_a_form_without_csrf_token_changes_nothing(web):
    response = web.post("/admin/offices/new/", data={"name": "Sneaky"})
    assert response.status_code == 400
    assert count(Office) == 0


def test_the_roles_list_names_profiles_and_permissions_in_words(app, web, owner):
    page = web.get("/admin/roles/")
    assert page.status_code == 200
    for code in ("dashboard.view", "cards.move_any", "position:"):
        assert code not in page.text, code
    with app.test_request_context(), force_locale(owner.language):
        label = str(escape(PERMISSIONS["cards.move_any"]))
    assert label in page.text
    form = web.get(f"/admin/roles/edit/?id={db.session.scalar(select(Role.id).where(Role.code == 'agent'))}")
    assert f">{label}</option>" in form.text
    assert "cards.move_any — " not in form.text
