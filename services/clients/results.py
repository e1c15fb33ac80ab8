"""The clients' results for salary plans and reports (services.platform.results), per employee in
a span: new clients he became responsible for, invoices of his clients paid in full (by the day of
the payment that paid them, counted for who was responsible for the client then), events he held
(their status counts as done)."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from extensions import db
from models.clients import Client, Event, EventStatus, Invoice


def new_clients(user_ids, starts, ends):
    query = (
        select(Client.responsible_id, func.count())
        .where(Client.responsible_id.in_(user_ids), Client.created_at >= starts, Client.created_at < ends)
        .where(Client.deleted_at.is_(None))
        .group_by(Client.responsible_id)
    )
    return dict(db.session.execute(query).all())


def _local_day(moment):
    """The calendar day whose local midnight a span's bound is (a bound is a person's midnight in UTC:
    the nearest UTC midnight's day, for zones from UTC−11 to UTC+12)."""
    return (moment + timedelta(hours=12)).date()


def paid_invoices(user_ids, starts, ends):
    """By the employee responsible for the client when the invoice was paid in full, and the day of
    its latest payment (kept on the invoice): a range of one index per person."""
    query = (
        select(Invoice.paid_for_id, func.count())
        .where(Invoice.status == "paid", Invoice.paid_for_id.in_(user_ids))
        .where(Invoice.paid_in_full_on >= _local_day(starts), Invoice.paid_in_full_on < _local_day(ends))
        .group_by(Invoice.paid_for_id)
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
