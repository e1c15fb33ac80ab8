"""What the home page and reports show across domains."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {"dashboard.view": _l("Open the dashboard")}


def init_app(app):
    from services.platform import access

    access.register_permissions(PERMISSIONS)
