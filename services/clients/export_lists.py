"""The clients' exportable lists: the clients list, the invoices and the events, each with its page's
filters and within the viewer's scope (services/exports/registry.py writes and delivers them)."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.clients import Client, Event, EventStatus, EventType, Invoice
from models.pipeline import Stage
from models.platform.user import User
from services.clients import invoice_lists
from services.clients import lists as client_lists
from services.clients.invoices import STATUS_LABELS
from services.exports import registry as exports
from services.exports.registry import localized
from services.platform import access
from services.platform.errors import parse_id

CLIENT_COLUMNS = (_l("Name"), _l("Phone"), _l("E-mail"), _l("Stage"), _l("Responsible employee"), _l("Office"),
                  _l("Source"), _l("Tags"), _l("Partner"), _l("Added"))  # fmt: skip
INVOICE_COLUMNS = (_l("Invoice No."), _l("Client"), _l("Status"), _l("Total"), _l("Paid"), _l("Currency"), _l("Issued"),
                   _l("Due date"), _l("Office"))  # fmt: skip
EVENT_COLUMNS = (_l("Starts at"), _l("Type"), _l("About"), _l("Client"), _l("Who holds it"), _l("Minutes"),
                 _l("Status"), _l("Result"))  # fmt: skip
EVENTS_DAYS_BACK = 90  # the events export: the last three months and everything planned


def _stages():
    return {stage.id: localized(stage) for stage in db.session.scalars(select(Stage))}


def client_rows(user, args):
    filters = client_lists.ListFilters.from_args(args)
    stages = _stages()

    def convert(row):
        return (row.full_name, row.phone, row.email, stages.get(row.stage_id, ""), row.responsible or "",
                row.office or "", row.source, row.tags, _l("yes") if row.is_partner else "", row.created_at)  # fmt: skip

    return exports.keyset(client_lists.list_query(user, filters), Client.id, convert=convert)


def invoice_check(args):
    return (
        {}
        if invoice_lists.InvoiceFilters.from_args(args) is not None
        else {"filters": _l("The filter was not understood.")}
    )


def invoice_rows(user, args):
    filters = invoice_lists.InvoiceFilters.from_args(args)
    if filters is None:
        raise exports.ExportError(_l("The filter was not understood."))

    def convert(row):
        code = f"{row.office_key:02d}-{row.year}-{row.number:05d}" if row.number is not None else ""
        return (code, row.full_name, str(STATUS_LABELS.get(row.status, row.status)), row.total, row.paid, row.currency,
                row.issued_at, row.due_date, row.name or "")  # fmt: skip

    return exports.keyset(invoice_lists.export_query(user, filters), Invoice.id, convert=convert)


def event_rows(user, args):
    """The events the viewer sees (of one person if `person` is given), from three months back on."""
    from models.base import utcnow

    query = (
        select(
            Event.id,
            Event.starts_at,
            EventType,
            Event.title,
            Client.full_name,
            User.full_name.label("holder"),
            Event.duration_minutes,
            EventStatus,
            Event.result_note,
        )  # fmt: skip
        .join(EventType, EventType.id == Event.type_id)
        .join(EventStatus, EventStatus.id == Event.status_id)
        .join(Client, Client.id == Event.client_id)
        .join(User, User.id == Event.assignee_id)
        .where(Client.deleted_at.is_(None), Event.starts_at >= utcnow() - timedelta(days=EVENTS_DAYS_BACK))
    )
    person = parse_id(args.get("person")) if args.get("person") else None
    if person is not None:
        query = query.where(Event.assignee_id == person)
    query = access.scope(user, query, Event)

    def convert(row):
        return (row.starts_at, localized(row.EventType), row.title, row.full_name, row.holder,
                row.duration_minutes, localized(row.EventStatus), row.result_note)  # fmt: skip

    return exports.keyset(query, Event.id, convert=convert)


def register():
    exports.register("clients.list", _l("Clients"), "clients.view", CLIENT_COLUMNS, client_rows)
    exports.register("clients.invoices", _l("Invoices"), "clients.view", INVOICE_COLUMNS, invoice_rows, invoice_check)
    exports.register("clients.events", _l("Events"), "clients.view", EVENT_COLUMNS, event_rows)
