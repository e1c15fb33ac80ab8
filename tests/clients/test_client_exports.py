"""The clients', invoices' and events' exports: the page's filters, within the viewer's scope."""

from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from services.clients import events, invoices
from services.exports import registry as exports
from tests.factories.clients import make_client


@pytest.fixture
def spread(team):
    from extensions import db

    anna = make_client(team["employee"], full_name="Anna Koval", phone="+380671234567", office_id=team["office"].id)
    vira = make_client(team["intern"], full_name="Vira Shevchenko", office_id=team["office"].id)
    for client, person in ((anna, team["employee"]), (vira, team["intern"])):
        invoice = invoices.create(client, team["owner"], [{"description": "Course", "price": "100"}])
        invoices.issue(invoice, team["owner"], invoice.version)
        events.plan(client, team["owner"], ZoneInfo("Europe/Kyiv"), type_id=str(events.types()[0].id),
                    starts_at="2030-01-10T10:00", duration_minutes="30", assignee_id=str(person.id))  # fmt: skip
    db.session.commit()
    return anna, vira


def _exported(key, user, args=None):
    with force_locale("en"):
        return list(exports.get(key).rows(user, args or {}))


@pytest.mark.parametrize("key", ["clients.list", "clients.invoices", "clients.events"])
def test_each_export_holds_only_what_the_viewer_sees(app, team, spread, key):
    with app.test_request_context():
        names = {
            who: {value for row in _exported(key, team[who]) for value in row} for who in ("employee", "peer", "owner")
        }
    assert "Anna Koval" in names["employee"] and "Vira Shevchenko" not in names["employee"]
    assert "Vira Shevchenko" in names["peer"] and "Anna Koval" not in names["peer"]
    assert {"Anna Koval", "Vira Shevchenko"} <= names["owner"]


def test_the_clients_export_follows_the_lists_filters(app, team, spread):
    with app.test_request_context():
        rows = _exported("clients.list", team["owner"], {"q": "koval"})
    assert [row[0] for row in rows] == ["Anna Koval"] and rows[0][1] == "+380671234567"
