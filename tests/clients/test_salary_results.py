"""The clients' results that salary plans count, over a span: invoices paid in full by the day of the
payment that paid them (a part payment or one outside the span counts nothing), per responsible
employee; new clients; events held."""

from datetime import datetime

from extensions import db
from services.clients import invoices
from services.clients import results as client_results
from tests.factories.clients import make_client

DECEMBER = (datetime(2026, 12, 1), datetime(2027, 1, 1))


def _invoice(client, by, price="100"):
    invoice = invoices.create(client, by, [{"description": "Course", "price": price}])
    invoices.issue(invoice, by, invoice.version)
    return invoice


def _pay(invoice, by, amount, day):
    invoices.record_payment(invoice, by, invoice.version, amount=amount, paid_on=day)


def test_an_invoice_counts_in_the_span_of_the_payment_that_paid_it_in_full(team):
    anna = make_client(team["employee"], full_name="Anna Koval")
    vira = make_client(team["employee2"], full_name="Vira Shevchenko")
    in_december = _invoice(anna, team["owner"])
    _pay(in_december, team["owner"], "40", "2026-11-20")
    _pay(in_december, team["owner"], "60", "2026-12-03")  # paid in full in December
    in_november = _invoice(anna, team["owner"])
    _pay(in_november, team["owner"], "100", "2026-11-28")
    part_paid = _invoice(vira, team["owner"])
    _pay(part_paid, team["owner"], "50", "2026-12-04")
    vira_paid = _invoice(vira, team["owner"])
    _pay(vira_paid, team["owner"], "100", "2026-12-31")
    db.session.commit()
    people = [team["employee"].id, team["employee2"].id, team["intern"].id]
    assert client_results.paid_invoices(people, *DECEMBER) == {team["employee"].id: 1, team["employee2"].id: 1}
    november = (datetime(2026, 11, 1), datetime(2026, 12, 1))
    assert client_results.paid_invoices(people, *november) == {team["employee"].id: 1}


def test_a_kyiv_month_counts_the_payments_of_its_own_days(team):
    from zoneinfo import ZoneInfo

    from services.platform.timezones import local_to_utc

    kyiv = ZoneInfo("Europe/Kyiv")
    anna = make_client(team["employee"], full_name="Anna Koval")
    on_the_eve = _invoice(anna, team["owner"])
    _pay(on_the_eve, team["owner"], "100", "2026-11-30")  # the last day of November, Kyiv's
    db.session.commit()
    span = (local_to_utc(datetime(2026, 12, 1), kyiv), local_to_utc(datetime(2027, 1, 1), kyiv))
    assert span[0].date().isoformat() == "2026-11-30"  # 22:00 UTC
    assert client_results.paid_invoices([team["employee"].id], *span) == {}
    november = (local_to_utc(datetime(2026, 11, 1), kyiv), span[0])
    assert client_results.paid_invoices([team["employee"].id], *november) == {team["employee"].id: 1}


def test_a_handover_leaves_a_paid_invoice_with_who_was_responsible_when_it_was_paid(team):
    anna = make_client(team["employee"], full_name="Anna Koval")
    invoice = _invoice(anna, team["owner"])
    _pay(invoice, team["owner"], "100", "2026-12-02")
    db.session.commit()
    anna.responsible_id = team["employee2"].id
    db.session.commit()
    people = [team["employee"].id, team["employee2"].id]
    assert client_results.paid_invoices(people, *DECEMBER) == {team["employee"].id: 1}
