"""Exports: a registry of downloadable lists that the other domains add to, the file writers, and the
owner's scheduled export emails. It knows no domain."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {"exports.schedule": _l("Set up scheduled export emails")}


def init_app(app):
    from services.platform import access

    access.register_permissions(PERMISSIONS)
