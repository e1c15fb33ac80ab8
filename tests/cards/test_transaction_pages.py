"""The card transactions panel over HTTP: adding and removing with server totals, the stage rule, bad input, CSRF, and the browser's cents arithmetic against the server's."""

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from extensions import db
from models.cards.card import Transaction
from services.platform import money
from tests.cards.helpers import json_post
from tests.conftest import csrf_token
from tests.factories.cards import TX, put_on

ROOT = Path(__file__).resolve().parents[2]


# --- transactions --------------------------------------------------------------------------------


def test_transactions_are_added_and_removed_with_server_totals(client_of, two_cards):
    card = put_on(two_cards["mine"], "fund_card")
    accountant = client_of("accountant")
    url = f"/admin/cards/{card.id}/transactions"
    added = json_post(accountant, url, dict(TX, amount="100.50"), f"/admin/cards/details/?id={card.id}")
    assert added.status_code == 200, added.text
    assert added.json["row"]["commission"] == "1.01"  # 1.005 → 1.01
    assert added.json["figures"] == {"total": "100.50", "commission": "1.01", "profit": "99.49"}
    refund = json_post(accountant, url, dict(TX, type="refund", amount="0.50"), "/admin/cards/")
    assert refund.json["figures"] == {"total": "100.00", "commission": "1.02", "profit": "98.98"}  # 0.005 → 0.01
    removed = json_post(accountant, f"{url}/{added.json['row']['id']}/delete", {}, "/admin/cards/")
    assert removed.status_code == 200 and removed.json["figures"] == {
        "total": "-0.50",
        "commission": "0.01",
        "profit": "-0.51",
    }
    db.session.expire_all()
    assert [(t.type, t.amount) for t in db.session.scalars(select(Transaction))] == [("refund", Decimal("0.50"))]


def test_a_plain_form_post_redirects_back_to_the_card(client_of, two_cards):
    card = put_on(two_cards["mine"], "work_off")
    owner = client_of("owner")
    response = owner.post(
        f"/admin/cards/{card.id}/transactions", data=dict(TX, csrf_token=csrf_token(owner, "/admin/cards/"))
    )
    assert response.status_code == 303 and f"/admin/cards/edit/?id={card.id}" in response.headers["Location"]


def test_transactions_are_refused_with_403_where_the_stage_forbids(client_of, two_cards):
    card = two_cards["mine"]  # linking access
    owner = client_of("owner")
    response = json_post(owner, f"/admin/cards/{card.id}/transactions", TX, "/admin/cards/")
    assert response.status_code == 403 and response.json["ok"] is False
    page = owner.get(f"/admin/cards/edit/?id={card.id}")
    assert 'id="transactions-closed"' in page.text and 'id="tx-add-form"' not in page.text
    html = owner.post(
        f"/admin/cards/{card.id}/transactions", data=dict(TX, csrf_token=csrf_token(owner, "/admin/cards/"))
    )
    assert html.status_code == 403
    assert db.session.scalar(select(sa.func.count()).select_from(Transaction)) == 0


def test_an_agent_may_not_add_transactions_even_on_his_card(client_of, two_cards):
    card = put_on(two_cards["mine"], "fund_card")
    agent = client_of("agent")
    assert json_post(agent, f"/admin/cards/{card.id}/transactions", TX, "/admin/cards/").status_code == 403
    assert 'id="tx-add-form"' not in agent.get(f"/admin/cards/details/?id={card.id}").text
    assert db.session.scalar(select(sa.func.count()).select_from(Transaction)) == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "abc"},
        {"amount": "1" * 300},
        {"date": "31.12.2026"},
        {"type": "<script>"},
        {"commission_rate": "101"},
    ],
)
def test_bad_transaction_input_is_a_400_not_a_500(client_of, two_cards, overrides):
    card = put_on(two_cards["mine"], "fund_card")
    owner = client_of("owner")
    response = json_post(owner, f"/admin/cards/{card.id}/transactions", dict(TX, **overrides), "/admin/cards/")
    assert response.status_code == 400 and set(response.json["errors"]) == set(overrides)
    html = owner.post(
        f"/admin/cards/{card.id}/transactions",
        data=dict(TX, **overrides, csrf_token=csrf_token(owner, "/admin/cards/")),
    )
    assert html.status_code == 400
    assert db.session.scalar(select(sa.func.count()).select_from(Transaction)) == 0


def test_changes_without_the_csrf_token_are_refused(client_of, two_cards):
    card = put_on(two_cards["mine"], "fund_card")
    response = client_of("owner").post(
        f"/admin/cards/{card.id}/transactions", data=TX, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(sa.func.count()).select_from(Transaction)) == 0


# --- the browser's arithmetic is the server's ------------------------------------------------------

JS_CASES = [
    ("top_up", "0.50", "percent", "1.00"),
    ("work_off", "100.50", "percent", "1.00"),
    ("fee", "999999999999.99", "percent", "1.50"),
    ("refund", "33.33", "percent", "33.33"),
    ("top_up", "999999999999.99", "percent", "100.00"),
    ("fee", "12.34", "fixed", "25.00"),
    ("refund", "0.01", "percent", "0.50"),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_browser_preview_computes_what_the_server_stores():
    script = (
        "const m = require(process.argv[1]); const cases = JSON.parse(process.argv[2]);"
        "const rows = cases.map(([type, amount, kind, rate]) => { const a = m.parseCents(amount);"
        " return {type, amount: a, commission: m.commissionCents(a, kind, m.parseCents(rate))}; });"
        "const f = m.figures(rows);"
        "console.log(JSON.stringify({rows: rows.map(r => m.formatCents(r.commission)),"
        " total: m.formatCents(f.total), commission: m.formatCents(f.commission), profit: m.formatCents(f.profit)}));"
    )
    out = subprocess.run(  # noqa: S603
        ["node", "-e", script, str(ROOT / "static/js/card_transactions.js"), json.dumps(JS_CASES)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    browser = json.loads(out.stdout)
    rows = [
        type("Row", (), {"type": t, "amount": Decimal(a), "commission": money.commission_of(Decimal(a), k, Decimal(r))})
        for t, a, k, r in JS_CASES
    ]
    server = money.card_figures(rows)

    def shown(value):
        return f"{value:,.2f}".replace(",", "\u202f")

    assert browser["rows"] == [shown(row.commission) for row in rows]
    assert (browser["total"], browser["commission"], browser["profit"]) == tuple(
        shown(v) for v in (server.total, server.commission, server.profit)
    )
