"""Invoices: drafts with lines in Decimal, numbers per office and year without gaps, payments and
refunds with the status following, points and the paying mark on a payment in full, referral
partners credited once, the printable invoice as HTML and PDF, and another's invoice a 404."""

import re
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models.clients import Client, Invoice, InvoicePayment
from models.ledger import LedgerEntry
from services import ledger
from services.clients import invoices
from tests.conftest import csrf_token
from tests.factories.clients import make_client
from tests.factories.platform import make_office, place

LINES = [{"description": "English, 8 lessons", "quantity": "2", "price": "1200.00", "discount": "10"},
         {"description": "Workbook", "price": "350.50"}]  # fmt: skip


@pytest.fixture
def anna(team):
    return make_client(team["employee"], full_name="Anna Koval", office_id=team["office"].id)


def _draft(client, by, lines=LINES):
    invoice = invoices.create(client, by, lines, currency="UAH", due_date="2027-01-15")
    db.session.commit()
    return invoice


def _issued(client, by, lines=LINES):
    invoice = _draft(client, by, lines)
    invoices.issue(invoice, by, invoice.version)
    db.session.commit()
    return invoice


def _pay(invoice, by, amount, kind="payment"):
    payment = invoices.record_payment(invoice, by, invoice.version, kind, amount=amount, paid_on="2026-12-07")
    db.session.commit()
    db.session.refresh(invoice)
    return payment


def test_a_draft_adds_its_lines_in_decimal_and_an_issue_numbers_it(anna, team):
    invoice = _draft(anna, team["employee"])
    assert [line.amount for line in invoice.lines] == [Decimal("2160.00"), Decimal("350.50")]
    assert (invoice.total, invoice.status, invoice.number) == (Decimal("2510.50"), "draft", None)
    invoices.issue(invoice, team["employee"], invoice.version)
    db.session.commit()
    second = _issued(anna, team["employee"])
    assert (invoice.status, invoice.number, second.number) == ("issued", 1, 2)
    assert invoice.code == f"{team['office'].id:02d}-{invoice.year}-00001"
    other = make_office("Lviv")
    place(team["employee"], other, "employee")
    elsewhere = _issued(make_client(team["employee"], office_id=other.id), team["employee"])
    assert elsewhere.number == 1  # each office counts its own


@pytest.mark.parametrize(
    ("lines", "key"),
    [([{"description": "", "price": "10"}], "lines-0-description"), ([{"description": "X", "price": "ten"}], "lines-0-price"),
     ([{"description": "X", "price": "10", "discount": "120"}], "lines-0-discount"), ([], "lines"),
     ([{"description": "X", "price": "10", "quantity": "0"}], "lines-0-quantity")],
)  # fmt: skip
def test_bad_lines_are_refused_on_their_field(anna, team, lines, key):
    with pytest.raises(invoices.InvoiceError) as refused:
        invoices.create(anna, team["employee"], lines)
    assert key in refused.value.errors


def test_payments_move_the_status_and_a_payment_in_full_credits_points_once(anna, team):
    invoice = _issued(anna, team["employee"])
    _pay(invoice, team["employee"], "1000")
    assert (invoice.status, invoice.paid, anna.paying_since) == ("partly_paid", Decimal("1000.00"), None)
    with pytest.raises(invoices.InvoiceError) as refused:
        invoices.record_payment(invoice, team["employee"], invoice.version, amount="5000")
    assert "amount" in refused.value.errors
    db.session.rollback()
    _pay(invoice, team["employee"], "1510.50")
    db.session.refresh(anna)
    assert invoice.status == "paid" and anna.paying_since is not None and anna.first_paid_invoice_id == invoice.id
    points = (ledger.balance_of("client", anna.id), ledger.balance_of("employee", team["employee"].id))
    assert points == (Decimal("20.00"), Decimal("10.00"))
    _pay(invoice, team["employee"], "100", kind="refund")
    assert invoice.status == "partly_paid"
    assert ledger.balance_of("client", anna.id) == Decimal("0.00")
    _pay(invoice, team["employee"], "100")
    assert invoice.status == "paid" and ledger.balance_of("client", anna.id) == Decimal("20.00")
    assert ledger.mismatches() == {}


def test_a_draft_and_a_cancelled_invoice_take_no_payment(anna, team):
    draft = _draft(anna, team["employee"])
    with pytest.raises(invoices.InvoiceError) as refused:
        invoices.record_payment(draft, team["employee"], draft.version, amount="10")
    assert refused.value.status == 409
    db.session.rollback()
    invoices.cancel(draft, team["employee"], draft.version)
    db.session.commit()
    assert draft.status == "cancelled"


def test_a_referrer_becomes_a_partner_on_the_first_payment_and_is_credited_once(anna, team):
    referred = make_client(
        team["employee2"], full_name="Borys Melnyk", referrer_id=anna.id, office_id=team["office"].id
    )
    first = _issued(referred, team["employee2"], [{"description": "Course", "price": "1000"}])
    _pay(first, team["employee2"], "1000")
    _pay(first, team["employee2"], "1000", kind="refund")
    _pay(first, team["employee2"], "1000")
    db.session.refresh(anna)
    assert anna.is_partner and anna.partner_since is not None
    assert ledger.balance_of("client", anna.id, "bonus") == Decimal("500.00")
    assert ledger.balance_of("employee", team["employee"].id, "bonus") == Decimal("100.00")
    later = _issued(referred, team["employee2"], [{"description": "Course, part 2", "price": "2000"}])
    _pay(later, team["employee2"], "2000")
    assert ledger.balance_of("client", anna.id, "bonus") == Decimal("600.00")  # + 5 % of 2000
    _pay(later, team["employee2"], "400", kind="refund")
    assert ledger.balance_of("client", anna.id, "bonus") == Decimal("580.00")
    partners = db.session.scalar(select(func.count()).where(Client.is_partner.is_(True)))
    assert partners == 1


def test_concurrent_payments_of_a_referred_clients_invoices_credit_the_referrer_once(app, anna, team):
    referred = make_client(team["employee2"], referrer_id=anna.id, office_id=team["office"].id)
    made = [_issued(referred, team["employee2"], [{"description": "Course", "price": "100"}]) for _ in range(3)]
    ids, by_id = [invoice.id for invoice in made], team["employee2"].id
    start, answers = threading.Barrier(len(ids)), []

    def pay(invoice_id):
        with app.app_context():
            start.wait()
            invoice = db.session.get(Invoice, invoice_id)
            by = db.session.get(type(team["employee2"]), by_id)
            try:
                invoices.record_payment(invoice, by, invoice.version, amount="100", paid_on="2026-12-07")
                db.session.commit()
                answers.append("paid")
            except Exception as error:  # noqa: BLE001 - a lost race on SQLite's one writer is an answer too
                db.session.rollback()
                answers.append(type(error).__name__)

    threads = [threading.Thread(target=pay, args=(invoice_id,)) for invoice_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert len(answers) == 3
    firsts = db.session.scalar(select(func.count()).where(LedgerEntry.rule_code == "referral_first_paid"))
    assert firsts == 2  # the referrer's bonus and his employee's, once
    assert ledger.mismatches() == {}


def test_concurrent_issues_take_every_number_once_without_gaps(app, anna, team):
    drafts = [_draft(anna, team["employee"]).id for _ in range(6)]
    by_id, start, answers = team["employee"].id, threading.Barrier(6), []

    def issue(invoice_id):
        with app.app_context():
            start.wait()
            invoice = db.session.get(Invoice, invoice_id)
            for _attempt in range(20):
                try:
                    invoices.issue(invoice, db.session.get(type(team["employee"]), by_id), invoice.version)
                    db.session.commit()
                    answers.append("issued")
                    return
                except Exception:  # noqa: BLE001 - SQLite's busy writer: try again, as a person would
                    db.session.rollback()
            answers.append("gave up")

    threads = [threading.Thread(target=issue, args=(invoice_id,)) for invoice_id in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    numbers = sorted(db.session.scalars(select(Invoice.number).where(Invoice.id.in_(drafts))))
    assert answers.count("issued") == 6 and numbers == [1, 2, 3, 4, 5, 6]


# --- the pages ------------------------------------------------------------------------------------


def test_an_invoice_is_made_issued_paid_and_printed_through_the_pages(client_of, anna, team):
    web = client_of("employee")
    token = csrf_token(web, f"/admin/invoices/new/?client={anna.id}")
    made = web.post(f"/admin/invoices/new/?client={anna.id}", data={
        "csrf_token": token, "lines-0-description": "English", "lines-0-quantity": "1", "lines-0-price": "900",
        "currency": "UAH", "due_date": "", "note": ""})  # fmt: skip
    assert made.status_code == 302, made.text
    invoice = db.session.scalar(select(Invoice).where(Invoice.client_id == anna.id))
    page = web.get(made.location).text
    assert "Draft invoice" in page and "900.00" in page
    assert web.get(f"/admin/invoices/{invoice.id}/print").status_code == 404  # a draft has no number
    issued = web.post(f"/admin/invoices/{invoice.id}/issue", data={"csrf_token": token, "version": "1"})
    assert issued.status_code == 302
    db.session.expire_all()
    paid = web.post(f"/admin/invoices/{invoice.id}/payments", data={
        "csrf_token": token, "version": str(invoice.version), "kind": "payment", "amount": "900", "paid_on": "2026-12-07"})  # fmt: skip
    assert paid.status_code == 302, paid.text
    assert db.session.scalar(select(Invoice.status).where(Invoice.id == invoice.id)) == "paid"
    printed = web.get(f"/admin/invoices/{invoice.id}/print").text
    assert invoice.code in printed and "English" in printed
    pdf = web.get(f"/admin/invoices/{invoice.id}/pdf")
    assert (
        pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]
    )
    listed = web.get("/admin/invoices/?status=paid").text
    assert f'data-invoice-id="{invoice.id}"' in listed
    tab = web.get(f"/admin/clients/{anna.id}/?tab=invoices").text
    assert f'data-invoice-id="{invoice.id}"' in tab


def test_a_bad_payment_through_the_page_is_refused_and_changes_nothing(client_of, anna, team):
    invoice = _issued(anna, team["employee"])
    web = client_of("employee")
    token = csrf_token(web, f"/admin/invoices/{invoice.id}/")
    for amount in ("-5", "abc", "99999"):
        answer = web.post(f"/admin/invoices/{invoice.id}/payments", data={
            "csrf_token": token, "version": str(invoice.version), "kind": "payment", "amount": amount})  # fmt: skip
        assert answer.status_code == 422, amount
    assert db.session.scalar(select(func.count()).select_from(InvoicePayment)) == 0


def test_another_teams_invoice_is_a_404_and_an_intern_makes_none(client_of, anna, team):
    invoice = _issued(anna, team["employee"])
    for url in (
        f"/admin/invoices/{invoice.id}/",
        f"/admin/invoices/{invoice.id}/print",
        f"/admin/invoices/{invoice.id}/pdf",
    ):
        assert client_of("peer").get(url).status_code == 404
        assert client_of("supervisor").get(url).status_code == 200
    assert f'data-invoice-id="{invoice.id}"' not in client_of("peer").get("/admin/invoices/").text
    own = make_client(team["intern"], office_id=team["office"].id)
    assert client_of("intern").get(f"/admin/invoices/new/?client={own.id}").status_code == 403
    assert client_of("employee").get(f"/admin/invoices/new/?client={own.id}").status_code == 404
    assert client_of("employee").get("/admin/invoices/?from=yesterday").status_code == 400
    assert client_of("owner").get("/admin/invoices/").status_code == 200


def test_the_partners_list_shows_what_each_brought_and_earned_within_scope(client_of, anna, team):
    referred = make_client(
        team["employee2"], full_name="Borys Melnyk", referrer_id=anna.id, office_id=team["office"].id
    )
    make_client(team["employee"], full_name="Vira Not-yet", referrer_id=anna.id, office_id=team["office"].id)
    _pay(_issued(referred, team["employee2"], [{"description": "Course", "price": "1000"}]), team["employee2"], "1000")
    page = client_of("supervisor").get("/admin/partners/").text
    row = re.search(rf'<tr class="partner-row" data-client-id="{anna.id}">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[0] == "Anna Koval" and cells[2:] == ["2", "1", "500.00"]
    brought = client_of("supervisor").get(f"/admin/partners/{anna.id}/").text
    assert "Borys Melnyk" in brought and "Vira Not-yet" in brought
    assert client_of("peer").get(f"/admin/partners/{anna.id}/").status_code == 404
    assert f'data-client-id="{anna.id}"' not in client_of("peer").get("/admin/partners/").text
    assert client_of("supervisor").get(f"/admin/partners/{referred.id}/").status_code == 404  # not a partner


def test_without_the_pdf_renderer_the_pdf_link_says_so_and_the_page_stays(client_of, anna, team, monkeypatch):
    import sys

    invoice = _issued(anna, team["employee"])
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as on a machine without Pango
    answer = client_of("employee").get(f"/admin/invoices/{invoice.id}/pdf")
    assert answer.status_code == 302 and answer.location.endswith(f"/admin/invoices/{invoice.id}/")
