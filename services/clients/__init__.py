"""Part B2: the education company's clients on the training pipeline."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "clients.view": _l("See own and subordinates' clients and their training board"),
    "clients.create": _l("Add clients"),
    "clients.edit": _l("Edit own and subordinates' clients"),
    "clients.move": _l("Move own and subordinates' clients between training stages"),
    "clients.move_any": _l("Move any client"),
    "clients.import": _l("Import historical clients from files"),
    "clients.settings": _l("Edit the clients' event types and statuses"),
    "invoices.manage": _l("Make, issue and cancel invoices of own and subordinates' clients and record their payments"),
}


def init_app(app):
    from models.clients import Client
    from services.clients import export_lists, points, results
    from services.clients.search import picked
    from services.pipeline import subjects
    from services.platform import access, notifications

    access.register_permissions(PERMISSIONS)
    notifications.register("clients.handed", _l("A client handed to me"),
                           _l("%(by)s handed you the client %(client)s"), section="/admin/clients/")  # fmt: skip
    notifications.register("events.reminder", _l("A reminder of my event"),
                           _l("%(type)s with %(client)s at %(when)s"), section="/admin/clients/")  # fmt: skip
    subjects.register_label(Client.__subject_type__, _l("Clients"))
    subjects.register_page(Client.__subject_type__, "/admin/clients/{id}/")
    subjects.register_search(Client.__subject_type__, picked, Client.full_name, Client.phone)
    points.connect()
    export_lists.register()
    results.register()
