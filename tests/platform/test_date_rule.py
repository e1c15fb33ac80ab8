"""The one date rule over HTTP: the stage modal, the transactions panel, the task form, the model
lists' date filters and the financial report refuse a day outside 2000-01-01 … 2100-12-31 with the
same field error (services/platform/dates.py)."""

import pytest
from sqlalchemy import select

from extensions import admin, db
from models.cards.card import Card, Transaction
from models.platform.audit import ChangeLog
from models.tasks.task import Task
from tests.conftest import csrf_token
from tests.factories.cards import TX, make_card, put_on
from tests.factories.platform import make_user
from tests.view_helpers import post_form, sign_in

RANGE_MESSAGE = "Enter a date between 2000-01-01 and 2100-12-31."


@pytest.fixture
def owner():
    return make_user(role_code="owner", full_name="Olena Owner", language="en")


@pytest.fixture
def web(app, owner):
    return sign_in(app, owner)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_the_stage_modal_refuses_a_day_out_of_the_range(web, day):
    card = make_card()
    data = {
        "csrf_token": csrf_token(web, "/admin/tracker/"),
        "version": str(card.version),
        "to_stage": str(card.stage.allowed_targets[0].id),
        "field.bank_login_done": "1",
        "field.linked_on": day,
    }
    response = web.post(f"/admin/tracker/{card.id}/move", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.json["errors"] == {"linked_on": RANGE_MESSAGE}
    db.session.expire_all()
    assert db.session.get(Card, card.id).stage.code == "linking_access"


def test_the_transactions_panel_refuses_a_day_out_of_the_range(web):
    card = put_on(make_card(), "fund_card")
    data = dict(TX, date="2101-01-01", csrf_token=csrf_token(web, "/admin/cards/"))
    response = web.post(f"/admin/cards/{card.id}/transactions", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json["errors"] == {"date": RANGE_MESSAGE}
    assert db.session.scalars(select(Transaction)).all() == []


@pytest.mark.parametrize(
    ("deadline", "error"),
    [
        ("2150-01-01T10:00", RANGE_MESSAGE),  # the service allowed up to 2200 before
        ("0001-01-01T10:00", RANGE_MESSAGE),
        ("\u0662\u0660\u0662\u0666-03-10T12:00", "Enter a date as YYYY-MM-DD."),  # strptime takes these digits
    ],
)
def test_the_task_form_refuses_a_deadline_out_of_the_range(web, owner, deadline, error):
    data = {"title": "Ring the client", "assignee_id": str(owner.id), "deadline": deadline, "card_id": ""}
    response = post_form(web, "/admin/tasks/new/", form_page="/admin/tasks/new/", **data)
    assert response.status_code == 400 and error in response.text
    assert db.session.scalars(select(Task)).all() == []


def test_a_model_lists_date_filter_out_of_the_range_says_so_and_filters_nothing(web, owner):
    db.session.add(ChangeLog(entity="banks", entity_id="1", action="update", field="name", old_value="Old",
                             new_value="Renamed bank"))  # fmt: skip
    db.session.commit()
    view = next(v for v in admin._views if v.endpoint == "changelog")
    key = next(arg for arg, (_i, flt) in view._filter_args.items() if type(flt).__name__ == "DateTimeGreaterFilter")
    refused = web.get("/admin/changelog/", query_string={f"flt0_{key}": "0001-01-01 00:00:00"})
    assert refused.status_code == 200 and RANGE_MESSAGE in refused.text  # Flask-Admin flashes it
    assert "Renamed bank" in refused.text  # the refused filter is not applied
    taken = web.get("/admin/changelog/", query_string={f"flt0_{key}": "2099-01-01 00:00:00"})
    assert taken.status_code == 200 and "Renamed bank" not in taken.text


def test_the_financial_report_refuses_a_period_out_of_the_range(web):
    page = web.get("/admin/reports/finance/", query_string={"from": "0001-01-01", "to": "2026-01-31"})
    assert page.status_code == 400 and RANGE_MESSAGE in page.text
    data = web.get("/admin/reports/finance/data", query_string={"from": "2026-01-01", "to": "9999-12-31"})
    assert data.status_code == 400 and data.json == {"errors": {"to": RANGE_MESSAGE}}
