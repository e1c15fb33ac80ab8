"""Part B2: clients on the training pipeline, their events and their invoices."""

from models.clients.client import CLIENTS_PIPELINE, Client, ClientResponsible
from models.clients.document import ClientDocument
from models.clients.event import Event, EventStatus, EventType
from models.clients.invoice import CURRENCIES, INVOICE_STATUSES, Invoice, InvoiceLine, InvoicePayment, InvoiceSequence

__all__ = [
    "CLIENTS_PIPELINE",
    "CURRENCIES",
    "INVOICE_STATUSES",
    "Client",
    "ClientDocument",
    "ClientResponsible",
    "Event",
    "EventStatus",
    "EventType",
    "Invoice",
    "InvoiceLine",
    "InvoicePayment",
    "InvoiceSequence",
]
