"""The panel's main menu, rendered once per (permissions, language, page) and kept by the process.
Rendering it asks each of the ~20 views whether the user may open it and builds each link: ~2 ms
of every HTML page. The menu depends on nothing else: every view's `is_accessible` is a permission
of the access policy (admin_views/base.py), and a change of grants gives new permissions."""

from flask import request
from flask_babel import get_locale
from flask_login import current_user

from services.platform import access, cache

KEPT_MAX = 2_000
_kept = cache.keyed("main menus", limit=KEPT_MAX)


def _key(admin_view):
    return access.permissions_of(current_user), str(get_locale()), admin_view.endpoint, request.script_root


def kept_menu(admin_view):
    """The menu as rendered for this page and these permissions before, or None."""
    return _kept.get(_key(admin_view))


def keep_menu(admin_view, html):
    return _kept.keep(_key(admin_view), html)


def init_app(app):
    app.add_template_global(kept_menu, "kept_menu")
    app.add_template_global(keep_menu, "keep_menu")
