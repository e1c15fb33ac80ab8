"""The financial report and its kept totals."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {"reports.finance": _l("See the financial report and the owner's figures")}


def init_app(app):
    from services.finance import export_lists, totals
    from services.platform import access

    access.register_permissions(PERMISSIONS)
    totals.init_app(app)
    export_lists.register()
