"""Part B2: the clients' pages: the list and each client's page, and the training board."""

from flask_babel import lazy_gettext as _l

from admin_views import CLIENTS, add_page

CLIENT_LABELS = {
    "full_name": _l("Name"),
    "phone": _l("Phone"),
    "phone_other": _l("Other phone"),
    "email": _l("E-mail"),
    "messenger": _l("Messenger"),
    "country": _l("Country"),
    "timezone": _l("Time zone"),
    "source": _l("Source"),
    "language": _l("Language"),
    "office_id": _l("Office"),
    "responsible_id": _l("Responsible employee"),
    "referrer_id": _l("Referred by"),
    "is_partner": _l("Partner"),
    "partner_since": _l("Partner since"),
    "paying_since": _l("Paying since"),
    "first_paid_invoice_id": _l("First paid invoice"),
    "external_id": _l("External id"),
    "tags": _l("Tags"),
    "notes": _l("Notes"),
    "pipeline_id": _l("Pipeline"),
    "stage_id": _l("Stage"),
    "stage_entered_at": _l("In the stage since"),
}


def init_app(app):
    from admin_views import DIRECTORIES
    from admin_views.change_words import describe
    from admin_views.clients import board, client_view, event_kinds, events, imports, invoices, partners
    from models.clients import EventStatus, EventType
    from services.clients import invoices as invoice_rules

    add_page(
        12,
        "clients_board",
        lambda: board.ClientBoardView(
            name=_l("Training board"), endpoint="clients_board", url="clients/board", category=CLIENTS
        ),
    )
    add_page(
        32,
        "clients",
        lambda: client_view.ClientView(name=_l("Client list"), endpoint="clients", url="clients", category=CLIENTS),
    )
    add_page(
        35,
        "partners",
        lambda: partners.PartnersView(
            name=_l("Referral partners"), endpoint="partners", url="partners", category=CLIENTS
        ),
    )
    add_page(
        75,
        "event_types",
        lambda: event_kinds.EventTypeView(EventType, name=_l("Event types"), endpoint="event_types", url="event-types",
                                          category=DIRECTORIES),
    )  # fmt: skip
    add_page(
        76,
        "event_statuses",
        lambda: event_kinds.EventStatusView(EventStatus, name=_l("Event statuses"), endpoint="event_statuses",
                                            url="event-statuses", category=DIRECTORIES),
    )  # fmt: skip
    add_page(
        38,
        "imports",
        lambda: imports.ImportView(name=_l("Imports"), endpoint="imports", url="imports", category=CLIENTS),
    )
    add_page(
        14, "events", lambda: events.EventView(name=_l("Events"), endpoint="events", url="events", category=CLIENTS)
    )
    add_page(
        33,
        "invoices",
        lambda: invoices.InvoiceView(name=_l("Invoices"), endpoint="invoices", url="invoices", category=CLIENTS),
    )

    describe(
        "events",
        _l("Event"),
        {"client_id": _l("Client"), "type_id": _l("Type"), "status_id": _l("Status"), "starts_at": _l("Starts at"),
         "duration_minutes": _l("Minutes"), "assignee_id": _l("Who holds it"), "title": _l("About"),
         "result_note": _l("Result"), "remind_minutes": _l("Remind before")},
    )  # fmt: skip
    describe(
        "client_documents",
        _l("Document"),
        {"client_id": _l("Client"), "file_id": _l("File"), "office_id": _l("Office")},
    )
    describe("event_types", _l("Event type"), event_kinds.LABELS)
    describe("event_statuses", _l("Event status"), event_kinds.LABELS)
    describe(
        "invoices",
        _l("Invoice"),
        {"client_id": _l("Client"), "office_id": _l("Office"), "office_key": _l("Numbering office"),
         "number": _l("Invoice No."), "year": _l("Year"),
         "status": _l("Status"), "currency": _l("Currency"), "due_date": _l("Due date"), "issued_at": _l("Issued"),
         "total": _l("Total"), "paid": _l("Paid"), "note": _l("Note"), "paid_in_full_on": _l("Paid in full on"),
         "paid_for_id": _l("Counted in the salary of")},
        {"status": invoice_rules.STATUS_LABELS},
    )  # fmt: skip
    describe(
        "clients", _l("Client"), CLIENT_LABELS, {"language": {"uk": "Українська", "ru": "Русский", "en": "English"}}
    )
