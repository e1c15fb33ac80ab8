"""The financial report page and its JSON: exact figures for a period, presets, bad input 4xx."""

import datetime as dt
from decimal import Decimal

import pytest

from extensions import db
from models.cards.card import Transaction
from models.cards.directory import Bank
from services.cards import operations as cards
from tests.factories.cards import card_number
from tests.factories.platform import make_user
from tests.view_helpers import is_sent_to_login, new_client, sign_in

D = Decimal


@pytest.fixture
def books():
    owner = make_user(role_code="owner", language="en")
    agent = make_user(role_code="agent", full_name="Andrii Agent", language="en")
    bank = Bank(name="Alpha Bank")
    db.session.add(bank)
    db.session.commit()
    card = cards.create(by=owner, number=card_number(2033), bank_id=bank.id, agent_id=agent.id)
    for date, kind, amount, commission in [
        ("2026-03-01", "work_off", "1234567.50", "12345.68"),
        ("2026-03-31", "work_off", "0.50", "0.01"),
        ("2026-04-01", "top_up", "10.00", "0.00"),
    ]:
        db.session.add(
            Transaction(
                card_id=card.id, date=dt.date.fromisoformat(date), type=kind, amount=D(amount), commission=D(commission)
            )
        )
    card.bank_answer_date = dt.date(2026, 3, 15)
    db.session.commit()
    return {"owner": owner, "agent": agent, "bank": bank, "card": card}


def test_owner_sees_totals_tables_and_the_chart_for_a_period(app, books):
    client = sign_in(app, books["owner"])
    page = client.get("/admin/reports/finance/?from=2026-03-01&to=2026-03-31")
    assert page.status_code == 200
    text = page.text
    assert "1\u202f234\u202f568.00" in text  # work-off: 1 234 567.50 + 0.50
    # profit: 1 234 567.50 + 0.50 + 10.00 − 12 345.69 = 1 222 232.31
    assert "1\u202f222\u202f232.31" in text
    assert "Alpha Bank" in text and "Andrii Agent" in text and "2026-03" in text
    assert 'id="finance-chart"' in text and "vendor/chartjs/chart.umd.min.js" in text
    assert "js/finance_report.js" in text and "<script>" not in text and "onclick" not in text


def test_the_report_exports_the_period_it_shows(app, books):
    page = sign_in(app, books["owner"]).get("/admin/reports/finance/?from=2026-03-01&to=2026-03-31").text
    assert 'name="list" value="finance.report"' in page
    assert 'name="args" value="from=2026-03-01&amp;to=2026-03-31"' in page


def test_the_json_has_exact_decimal_strings(app, books):
    client = sign_in(app, books["owner"])
    data = client.get("/admin/reports/finance/data?from=2026-03-31&to=2026-04-01").get_json()
    assert data["total"] == {"work_off": "0.50", "work_off_count": 1, "profit": "0.00", "profit_count": 0}
    assert [row["key"] for row in data["by_month"]] == ["2026-03-01"]
    whole = client.get("/admin/reports/finance/data?from=2026-01-01&to=2026-12-31").get_json()
    assert whole["total"]["profit"] == "1222232.31"
    assert whole["by_bank"][0]["label"] == "Alpha Bank"


def test_presets_give_this_month_last_month_and_this_year(app, books):
    client = sign_in(app, books["owner"])
    for preset in ("this_month", "last_month", "this_year"):
        response = client.get(f"/admin/reports/finance/?preset={preset}")
        assert response.status_code == 200
    assert client.get("/admin/reports/finance/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-02-30&to=2026-03-01",
        "from=abc&to=2026-03-01",
        "from=2026-03-02&to=2026-03-01",
        "from=2026-03-01",
        "from=0001-01-01&to=9999-12-31",
        "preset=everything",
        "from=" + "9" * 500 + "&to=2026-01-01",
    ],
)
def test_bad_periods_are_a_clear_400_never_a_500(app, books, query):
    client = sign_in(app, books["owner"])
    page = client.get(f"/admin/reports/finance/?{query}")
    assert page.status_code == 400
    assert "period-error" in page.text
    data = client.get(f"/admin/reports/finance/data?{query}")
    assert data.status_code == 400 and data.get_json()["errors"]


def test_others_get_403_and_anonymous_goes_to_sign_in(app, books):
    agent = sign_in(app, books["agent"])
    assert agent.get("/admin/reports/finance/").status_code == 403
    assert agent.get("/admin/reports/finance/data?from=2026-01-01&to=2026-12-31").status_code == 403
    assert is_sent_to_login(new_client(app).get("/admin/reports/finance/"))
    assert is_sent_to_login(new_client(app).get("/admin/reports/finance/data"))
