"""The invoices list: the invoices of the clients a person sees (in his offices), newest first, by
status, client, office and issue date, paged by id."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from extensions import db
from models.clients import INVOICE_STATUSES, Client, Invoice
from models.platform.org import Office
from services.clients.search import name_or_phone
from services.platform import access, dates
from services.platform.errors import parse_id

PAGE_SIZE = 50
CLIENT_PAGE_SIZE = 100


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""
    q: str = ""
    office_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    before: int | None = None

    @classmethod
    def from_args(cls, args):
        """The filters of the query string; None when one of them cannot be read (a 400)."""
        try:
            issued_from, issued_to = dates.parse_date(args.get("from")), dates.parse_date(args.get("to"))
        except dates.DateError:
            return None
        status = args.get("status") or ""
        before = parse_id(args.get("before")) if args.get("before") else None
        if status not in ("", *INVOICE_STATUSES) or (args.get("before") and before is None):
            return None
        q = " ".join((args.get("q") or "").split())[:64]
        return cls(status, q, parse_id(args.get("office")), issued_from, issued_to, before)

    def as_args(self, **changed):
        args = {"status": self.status, "q": self.q, "office": self.office_id, "from": self.issued_from,
                "to": self.issued_to, "before": self.before} | changed  # fmt: skip
        return {key: value for key, value in args.items() if value}


def conditions(filters):
    found = [Client.deleted_at.is_(None)]
    if filters.status:
        found.append(Invoice.status == filters.status)
    if filters.q:
        found.append(name_or_phone(filters.q))
    if filters.office_id:
        found.append(Invoice.office_id == filters.office_id)
    if filters.issued_from:
        found.append(Invoice.issued_at >= datetime.combine(filters.issued_from, time()))
    if filters.issued_to:
        found.append(Invoice.issued_at < datetime.combine(filters.issued_to + timedelta(days=1), time()))
    return found


def query(user, filters):
    """The invoices (with their client's name and the office's) in the user's scope, newest first."""
    statement = (
        select(Invoice, Client.full_name, Office.name.label("office"))
        .join(Client, Client.id == Invoice.client_id)
        .outerjoin(Office, Office.id == Invoice.office_id)
        .where(*conditions(filters))
        .order_by(Invoice.id.desc())
        .options(lazyload("*"))  # the page reads the invoice's own columns and the two names
    )
    return access.scope(user, statement, Invoice)


def rows(user, filters, limit=PAGE_SIZE):
    """(a page of (invoice, client name, office name), the id the next page starts before or None)."""
    statement = query(user, filters)
    if filters.before is not None:
        statement = statement.where(Invoice.id < filters.before)
    found = db.session.execute(statement.limit(limit + 1)).all()
    return found[:limit], (found[limit - 1][0].id if len(found) > limit else None)


def of_client(client):
    """The client's latest invoices (his page shows them; the list has the rest)."""
    query = select(Invoice).where(Invoice.client_id == client.id).order_by(Invoice.id.desc()).limit(CLIENT_PAGE_SIZE)
    return db.session.scalars(query.options(lazyload("*"))).all()


EXPORT_COLUMNS = (Invoice.id, Invoice.office_key, Invoice.year, Invoice.number, Client.full_name, Invoice.status,
                  Invoice.total, Invoice.paid, Invoice.currency, Invoice.issued_at, Invoice.due_date, Office.name)  # fmt: skip


def export_query(user, filters):
    """The list's invoices as plain columns (EXPORT_COLUMNS), for the export."""
    statement = (
        select(*EXPORT_COLUMNS)
        .select_from(Invoice)
        .join(Client, Client.id == Invoice.client_id)
        .outerjoin(Office, Office.id == Invoice.office_id)
        .where(*conditions(filters))
    )
    return access.scope(user, statement, Invoice)
