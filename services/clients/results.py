"""The clients' results for salary plans and reports (services.platform.results), per employee in
a span: new clients he became responsible for, invoices of his clients paid in full (by the day of
the payment that paid them), events he held (their status counts as done)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from extensions import db
from models.clients import Client, Event, EventStatus, Invoice, InvoicePayment


def new_clients(user_ids, starts, ends):
    query = (
        select(Client.responsible_id, func.count())
        .where(Client.responsible_id.in_(user_ids), Client.created_at >= starts, Client.created_at < ends)
        .where(Client.deleted_at.is_(None))
        .group_by(Client.responsible_id)
    )
    return dict(db.session.execute(query).all())


def paid_invoices(user_ids, starts, ends):
    last_payment = (
        select(InvoicePayment.invoice_id, func.max(InvoicePayment.paid_on).label("paid_on"))
        .where(InvoicePayment.kind == "payment")
        .group_by(InvoicePayment.invoice_id)
        .subquery()
    )
    query = (
        select(Client.responsible_id, func.count())
        .select_from(Invoice)
        .join(Client, Client.id == Invoice.client_id)
        .join(last_payment, last_payment.c.invoice_id == Invoice.id)
        .where(Invoice.status == "paid", Client.responsible_id.in_(user_ids))
        .where(last_payment.c.paid_on >= starts.date(), last_payment.c.paid_on < ends.date())
        .group_by(Client.responsible_id)
    )
    return dict(db.session.execute(query).all())


def events_done(user_ids, starts, ends):
    query = (
        select(Event.assignee_id, func.count())
        .join(EventStatus, EventStatus.id == Event.status_id)
        .where(EventStatus.counts_as_done.is_(True), Event.assignee_id.in_(user_ids))
        .where(Event.starts_at >= starts, Event.starts_at < ends)
        .group_by(Event.assignee_id)
    )
    return dict(db.session.execute(query).all())


def register():
    from services.platform import results

    results.register("new_clients", _l("New clients"), new_clients)
    results.register("paid_invoices", _l("Invoices paid"), paid_invoices)
    results.register("events_done", _l("Events held"), events_done)
