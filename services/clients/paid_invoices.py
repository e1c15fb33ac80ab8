"""What a paid invoice means for the clients' rules (SPEC B2 "referral partners"):
- paid in full: the client is a paying one from then on, the invoice_paid rules credit him and his
  employee, and, for his first paid invoice, the client who brought him becomes a partner with the
  referral_first_paid bonus — once per referred client, whatever is refunded and paid again;
- no longer paid in full (a refund): the invoice's invoice_paid credits are taken back; paid again,
  they are credited again (a new round, net once);
- each later payment of a referred client pays his referrer the referral_payment percentage, and a
  refund takes the same share back."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from extensions import db
from models.base import utcnow
from models.clients import Client
from services import ledger
from services.ledger import rules
from services.platform import money


def _client(client_id):
    return db.session.scalar(
        select(Client).where(Client.id == client_id).options(lazyload("*")).with_for_update(of=Client)
    )


def paid_in_full(invoice, by):
    client = _client(invoice.client_id)
    source = ledger.Source("invoice", invoice.id)
    for rule in rules.in_force("invoice_paid"):
        ledger.credit(rule.code, source, client_id=client.id, client_amount=rule.client_amount,
                      employee_id=client.responsible_id, employee_amount=rule.employee_amount, kind=rule.kind, by=by,
                      again=ledger.times_taken_back(rule.code, source))  # fmt: skip
    if client.paying_since is None:
        client.paying_since, client.first_paid_invoice_id = utcnow(), invoice.id
    if client.referrer_id is not None and client.first_paid_invoice_id == invoice.id:
        _first_paid_referral(client, by)
    db.session.flush()


def _first_paid_referral(client, by):
    referrer = _client(client.referrer_id)
    if referrer is None:
        return
    if not referrer.is_partner:
        referrer.is_partner, referrer.partner_since = True, utcnow()
    for rule in rules.in_force("referral_first_paid"):
        ledger.credit(rule.code, ledger.Source("referral", client.id), client_id=referrer.id,
                      client_amount=rule.client_amount, employee_id=referrer.responsible_id,
                      employee_amount=rule.employee_amount, kind=rule.kind, by=by, note=client.full_name)  # fmt: skip


def no_longer_paid(invoice, by):
    for rule in rules.in_force("invoice_paid"):
        ledger.reverse_source(ledger.Source("invoice", invoice.id), by=by, rule_code=rule.code)


def payment_recorded(invoice, payment, by):
    """The referrer's share of a referred client's payment after his first paid invoice (or, of a
    refund, the share taken back)."""
    client = db.session.get(Client, invoice.client_id, options=[lazyload("*")])
    if client.referrer_id is None or client.first_paid_invoice_id in (None, invoice.id):
        return
    referrer = db.session.get(Client, client.referrer_id, options=[lazyload("*")])
    sign = Decimal(1) if payment.kind == "payment" else Decimal(-1)
    for rule in rules.in_force("referral_payment"):
        share = money.round_money(payment.amount * rule.percent / Decimal(100)) * sign
        ledger.credit(rule.code, ledger.Source("payment", payment.id), client_id=referrer.id, client_amount=share,
                      employee_id=referrer.responsible_id, kind=rule.kind, by=by, note=client.full_name)  # fmt: skip
