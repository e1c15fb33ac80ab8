"""Malformed numbers in URLs are 4xx, never a 500: ids in every route through the one bounded `id`
converter, keyset cursors through the one cursor parser, the model lists' page number through the
secured base view, task period filters through the date rule (tests/platform/test_fuzz_routes.py
tries every route; these name the cases of the audit)."""

from datetime import date
from decimal import Decimal

import pytest
from werkzeug.routing.converters import NumberConverter

from admin_views.id_converter import IdConverter
from extensions import db
from models.cards.card import Transaction
from models.cards.directory import Bank
from models.exports.export import ExportJob
from tests.conftest import csrf_token
from tests.factories.cards import make_card
from tests.factories.platform import make_user
from tests.view_helpers import sign_in

OVERSIZED = "9" * 20
BAD_IDS = [OVERSIZED, "9" * 19, "0", "\u0661\u0662"]


@pytest.fixture
def owner_web(app):
    owner = make_user(role_code="owner", language="en")
    return owner, sign_in(app, owner)


@pytest.fixture
def card():
    card = make_card()
    db.session.add(
        Transaction(card_id=card.id, stage_id=card.stage_id, date=date(2026, 3, 1), type="top_up",
                    amount=Decimal("10.00"), commission_kind="fixed", commission_rate=Decimal("0"),
                    commission=Decimal("0"))
    )  # fmt: skip
    db.session.commit()
    return card


def test_no_route_takes_an_unbounded_number(app):
    unbounded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if isinstance(converter, NumberConverter)
    ]
    assert unbounded == []
    with_ids = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IdConverter) for c in rule._converters.values())
    ]
    assert len(with_ids) >= 13


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_bad_id_in_a_route_is_a_404(owner_web, card, bad):
    _owner, web = owner_web
    stage, transaction = card.stage_id, card.transactions[0].id
    gets = [
        f"/admin/tracker/column/{bad}",
        f"/admin/tracker/{bad}/modal",
        f"/admin/tracker/{bad}/history",
        f"/admin/tasks/{bad}/",
        f"/admin/tasks/{bad}/edit/",
        f"/admin/exports/{bad}",
        f"/admin/exports/{bad}/download",
    ]
    for url in gets:
        assert web.get(url).status_code == 404, url
    token = csrf_token(web)
    posts = [
        f"/admin/tracker/{bad}/move",
        f"/admin/cards/{bad}/transactions",
        f"/admin/cards/{bad}/transactions/{transaction}/delete",
        f"/admin/cards/{card.id}/transactions/{bad}/delete",
        f"/admin/tasks/{bad}/status",
        f"/admin/tasks/{bad}/comment",
    ]
    for url in posts:
        assert web.post(url, data={"csrf_token": token}).status_code == 404, url
    assert web.get(f"/admin/tracker/column/{stage}").status_code == 200  # a real id still opens


def test_a_cursor_with_an_oversized_id_is_a_400(owner_web, card):
    _owner, web = owner_web
    after = f"2026-01-01T00:00:00_{OVERSIZED}"
    column = web.get(f"/admin/tracker/column/{card.stage_id}", query_string={"after": after})
    assert column.status_code == 400 and column.json == {"error": "Bad page cursor."}
    assert web.get("/admin/tasks/auto/", query_string={"after": after}).status_code == 400
    good = web.get(f"/admin/tracker/column/{card.stage_id}", query_string={"after": "2026-01-01T00:00:00_1"})
    assert good.status_code == 200


@pytest.mark.parametrize("page", [OVERSIZED, "1" * 10, "-1", "\u0661", "abc", "1.5"])
def test_an_absurd_page_of_a_model_list_is_a_400(owner_web, page):
    _owner, web = owner_web
    for url in ("/admin/banks/", "/admin/changelog/", "/admin/staff/"):
        assert web.get(url, query_string={"page": page}).status_code == 400, url


def test_real_pages_of_a_model_list_still_open(owner_web):
    _owner, web = owner_web
    db.session.add_all([Bank(name=f"Bank {n:02d}") for n in range(3)])
    db.session.commit()
    assert "Bank 00" in web.get("/admin/banks/").text
    assert "Bank 00" in web.get("/admin/banks/", query_string={"page": "0"}).text
    beyond = web.get("/admin/banks/", query_string={"page": "999999999"})
    assert beyond.status_code == 200 and "Bank 00" not in beyond.text


def test_a_page_in_an_export_of_a_model_list_is_no_matter(app, owner_web):
    from services.exports import registry as exports

    owner, _web = owner_web
    db.session.add(Bank(name="Exported Bank"))
    db.session.commit()
    with app.test_request_context():
        rows = list(exports.get("banks").rows(owner, {"page": "abc"}))
    assert [row[0] for row in rows] == ["Exported Bank"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("url", ["/admin/tasks/", "/admin/tasks/auto/"])
@pytest.mark.parametrize("name", ["from", "to"])
def test_a_task_period_beyond_the_calendar_is_a_400(owner_web, url, name, day):
    _owner, web = owner_web
    response = web.get(url, query_string={name: day})
    assert response.status_code == 400 and "Enter a date between 2000-01-01 and 2100-12-31." in response.text


@pytest.mark.parametrize("key", ["tasks.incoming", "tasks.outgoing", "tasks.all", "tasks.auto", "finance.report"])
def test_an_export_of_a_period_beyond_the_calendar_is_a_400(owner_web, key):
    _owner, web = owner_web
    data = {"csrf_token": csrf_token(web), "list": key, "format": "csv", "args": "from=0001-01-01&to=9999-12-31"}
    response = web.post("/admin/exports/start", data=data)
    assert response.status_code == 400
    assert response.json["errors"] == dict.fromkeys(("from", "to"), "Enter a date between 2000-01-01 and 2100-12-31.")
    assert db.session.query(ExportJob).count() == 0


def test_an_oversized_number_in_a_list_filter_is_refused(owner_web):
    _owner, web = owner_web
    page = web.get("/admin/memberships/")
    key = next(arg for arg, (_i, flt) in _filters("memberships").items() if type(flt).__name__ == "IntEqualFilter")
    response = web.get("/admin/memberships/", query_string={f"flt0_{key}": OVERSIZED})
    assert page.status_code == 200 and response.status_code == 200
    assert "Invalid Filter Value" in response.text


def test_a_malformed_job_id_is_a_404(owner_web):
    _owner, web = owner_web
    token = csrf_token(web)
    for job_id in ("1.5", "\u0661", "no-such-job"):
        assert web.post(f"/admin/jobs/retry/{job_id}", data={"csrf_token": token}).status_code == 404, job_id


def _filters(endpoint):
    from extensions import admin

    view = next(v for v in admin._views if v.endpoint == endpoint)
    return view._filter_args
