"""Part B2: clients on the training pipeline, their events and their invoices."""

from models.clients.client import CLIENTS_PIPELINE, Client, ClientResponsible
from models.clients.client_import import IMPORT_STATUSES, ClientImport
from models.clients.document import ClientDocument
from models.clients.event import Event, EventStatus, EventType
from models.clients.invoice import CURRENCIES, INVOICE_STATUSES, Invoice, InvoiceLine, InvoicePayment, InvoiceSequence

__all__ = [
    "CLIENTS_PIPELINE",
    "CURRENCIES",
    "IMPORT_STATUSES",
    "INVOICE_STATUSES",
    "Client",
    "ClientDocument",
    "ClientImport",
    "ClientResponsible",
    "Event",
    "EventStatus",
    "EventType",
    "Invoice",
    "InvoiceLine",
    "InvoicePayment",
    "InvoiceSequence",
]
