"""The clients section over HTTP: the list and each client's page within the viewer's scope, the
new-client form that shows a known client instead of adding a second, edits with their history in
words, and the soft delete."""

import re

import pytest
from sqlalchemy import select

from extensions import db
from models.clients import Client
from tests.conftest import csrf_token
from tests.factories.clients import make_client


@pytest.fixture
def spread(team):
    """A client of each employee of the supervisor's team, and one of the peer team's intern."""
    return {
        "eva": make_client(team["employee"], full_name="Anna Koval", phone="+380671234567", email="anna@example.com"),
        "emil": make_client(team["employee2"], full_name="Borys Melnyk", phone="+380501112233"),
        "intern": make_client(team["intern"], full_name="Vira Shevchenko", phone="+380931234567"),
    }


def _listed(page):
    return {int(found) for found in re.findall(r'data-client-id="(\d+)"', page.text)}


@pytest.mark.parametrize(
    ("who", "sees"),
    [("employee", {"eva"}), ("supervisor", {"eva", "emil"}), ("intern", {"intern"}), ("peer", {"intern"}),
     ("owner", {"eva", "emil", "intern"})],
)  # fmt: skip
def test_each_person_lists_and_opens_only_the_clients_in_his_scope(client_of, spread, who, sees):
    web = client_of(who)
    assert _listed(web.get("/admin/clients/")) == {spread[name].id for name in sees}
    for name, client in spread.items():
        assert web.get(f"/admin/clients/{client.id}/").status_code == (200 if name in sees else 404)
        assert web.get(f"/admin/clients/{client.id}/edit").status_code == (200 if name in sees else 404)


def test_the_list_filters_by_search_stage_and_responsible(client_of, spread, team):
    owner = client_of("owner")
    assert _listed(owner.get("/admin/clients/?q=067 123")) == {spread["eva"].id}
    assert _listed(owner.get("/admin/clients/?q=shevch")) == {spread["intern"].id}
    assert _listed(owner.get(f"/admin/clients/?responsible={team['employee2'].id}")) == {spread["emil"].id}
    assert _listed(owner.get(f"/admin/clients/?stage={spread['eva'].stage_id}")) == {c.id for c in spread.values()}
    assert _listed(owner.get("/admin/clients/?bucket=lost")) == set()
    assert "No clients match the filter." in owner.get("/admin/clients/?q=nobody-like-this").text


def test_the_list_pages_by_id(client_of, team):
    made = [make_client(team["employee"], full_name=f"Client {n:02}").id for n in range(55)]
    web = client_of("employee")
    first = web.get("/admin/clients/")
    assert _listed(first) == set(made[-50:])
    after = re.search(r'href="[^"]*after=(\d+)[^"]*" id="clients-next"', first.text).group(1)
    assert _listed(web.get(f"/admin/clients/?after={after}")) == set(made[:5])
    assert web.get("/admin/clients/?after=abc").status_code == 400


def _form(web, url, **values):
    data = {"full_name": "", "phone": "", "phone_other": "", "email": "", "messenger": "", "country": "",
            "timezone": "Europe/Kyiv", "source": "", "language": "uk", "office_id": "", "responsible_id": "",
            "referrer_id": "", "tags": "", "notes": "", "version": ""}  # fmt: skip
    data.update(values, csrf_token=csrf_token(web, "/admin/clients/new/"))
    return web.post(url, data=data)


def test_a_new_client_is_added_for_the_author_and_opens_on_his_page(client_of, team):
    web = client_of("employee")
    response = _form(web, "/admin/clients/new/", full_name="Dana Hrytsenko", phone="093 555 44 33", source="Instagram")
    assert response.status_code == 302
    client = db.session.scalar(select(Client).where(Client.full_name == "Dana Hrytsenko"))
    assert response.location.endswith(f"/admin/clients/{client.id}/")
    assert (client.phone, client.responsible_id, client.source) == ("+380935554433", team["employee"].id, "Instagram")
    page = web.get(response.location)
    assert "Dana Hrytsenko" in page.text and "Eva Employee" in page.text
    assert re.search(r"Added</dt><dd[^>]*>[^<]*, Eva Employee</dd>", page.text)  # when, and by whom


def test_a_known_phone_shows_the_client_who_has_it_and_adds_nobody(client_of, spread):
    web = client_of("employee2")
    before = db.session.scalar(select(db.func.count()).select_from(Client))
    page = _form(web, "/admin/clients/new/", full_name="Anna K.", phone="067-123-45-67")
    assert page.status_code == 409
    assert f'href="/admin/clients/{spread["eva"].id}/"' in page.text and "Anna Koval" in page.text
    assert db.session.scalar(select(db.func.count()).select_from(Client)) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [({"full_name": ""}, "full_name"), ({"email": "not-an-address"}, "email"), ({"timezone": "Mars/Base"}, "timezone"),
     ({"responsible_id": "999999"}, "responsible_id"), ({"full_name": "x" * 161}, "full_name")],
)  # fmt: skip
def test_bad_input_is_refused_on_its_field_and_changes_nothing(client_of, team, values, field):
    web = client_of("employee")
    page = _form(web, "/admin/clients/new/", **({"full_name": "Olha"} | values))
    assert page.status_code == 422
    assert (
        re.search(rf'name="{field}"[^>]*is-invalid|is-invalid[^>]*name="{field}"', page.text)
        or "invalid-feedback" in page.text
    )
    assert db.session.scalar(select(Client).where(Client.full_name == "Olha")) is None


def test_an_edit_hands_the_client_over_and_the_history_says_so_in_words(client_of, spread, team):
    client = spread["eva"]
    web = client_of("supervisor")
    response = _form(
        web, f"/admin/clients/{client.id}/edit", full_name="Anna Koval", phone="+380671234567",
        email="anna@example.com", responsible_id=str(team["employee2"].id), tags="vip", version=str(client.version),
    )  # fmt: skip
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert (client.responsible_id, client.tags) == (team["employee2"].id, "vip")
    stretches = web.get(f"/admin/clients/{client.id}/?tab=responsibles").text
    assert stretches.count("<tr>") == 3 and "Emil Employee" in stretches and "Eva Employee" in stretches
    history = web.get(f"/admin/clients/{client.id}/?tab=history").text
    assert "Responsible employee" in history and "Emil Employee" in history and "responsible_id" not in history
    # The employee he was taken from no longer sees him.
    assert client_of("employee").get(f"/admin/clients/{client.id}/").status_code == 404


def test_a_stale_edit_is_refused(client_of, spread):
    client = spread["eva"]
    response = _form(client_of("employee"), f"/admin/clients/{client.id}/edit", full_name="New", version="0")
    assert response.status_code == 409
    db.session.expire_all()
    assert client.full_name == "Anna Koval"


def test_a_deleted_client_leaves_the_list_and_his_page(client_of, spread):
    web = client_of("employee")
    client = spread["eva"]
    response = web.post(f"/admin/clients/{client.id}/delete", data={"csrf_token": csrf_token(web, "/admin/clients/")})
    assert response.status_code == 302
    assert web.get(f"/admin/clients/{client.id}/").status_code == 404
    assert client.id not in _listed(web.get("/admin/clients/"))
    other = spread["intern"]
    refused = web.post(f"/admin/clients/{other.id}/delete", data={"csrf_token": csrf_token(web, "/admin/clients/")})
    assert refused.status_code == 404


def test_the_referrer_picker_offers_only_the_viewers_clients(client_of, spread):
    found = client_of("employee").get("/admin/clients/choices?query=an").json
    assert [row[0] for row in found] == [spread["eva"].id]
    assert client_of("employee").get("/admin/clients/choices?query=vira").json == []


def test_an_unknown_tab_is_404(client_of, spread):
    assert client_of("employee").get(f"/admin/clients/{spread['eva'].id}/?tab=secret").status_code == 404


def test_a_leader_sees_his_peoples_clients_only_in_the_offices_where_he_leads_them(client_of, team, spread):
    from tests.factories.platform import make_office, place

    lviv = make_office("Lviv")
    place(team["employee"], lviv, "employee")  # a second job, where the supervisor is nobody
    db.session.commit()
    elsewhere = make_client(team["employee"], full_name="Olha Lviv", office_id=lviv.id)
    at_home = make_client(team["employee"], full_name="Olha Kyiv", office_id=team["office"].id)
    supervisor, employee = client_of("supervisor"), client_of("employee")
    assert elsewhere.id not in _listed(supervisor.get("/admin/clients/")) and at_home.id in _listed(
        supervisor.get("/admin/clients/")
    )
    assert supervisor.get(f"/admin/clients/{elsewhere.id}/").status_code == 404
    assert supervisor.get(f"/admin/clients/board/{elsewhere.id}/modal").status_code == 404
    assert {elsewhere.id, at_home.id} <= _listed(employee.get("/admin/clients/"))
    assert employee.get(f"/admin/clients/{elsewhere.id}/").status_code == 200
    column = f"/admin/clients/board/column/{elsewhere.stage_id}"
    assert elsewhere.id not in {row["subject_id"] for row in supervisor.get(column).json["rows"]}
    assert elsewhere.id in {row["subject_id"] for row in employee.get(column).json["rows"]}
    counts = {who: web.get("/admin/clients/board/counts").json[str(elsewhere.stage_id)] for who, web in
              (("supervisor", supervisor), ("employee", employee))}  # fmt: skip
    assert counts == {"supervisor": 3, "employee": 3}  # eva's, emil's, at home / eva's, both of Olha's


def test_a_new_client_belongs_to_the_office_of_an_employee_who_works_in_one(client_of, team):
    response = _form(client_of("employee"), "/admin/clients/new/", full_name="Dana Hrytsenko")
    assert response.status_code == 302
    assert db.session.scalar(select(Client.office_id).where(Client.full_name == "Dana Hrytsenko")) == team["office"].id
