"""The panel: the secured base every page stands on, and the registry of pages that each domain adds
its own to (admin_views/<domain>/__init__.py). The menu follows each page's `order`."""

from flask_babel import lazy_gettext as _l

from admin_views import assets, id_converter, menu, select_options
from extensions import admin

# The menu's shared headings, one object each so that the domains' pages fall under the same one.
DIRECTORIES = _l("Directories")
ORGANISATION = _l("Organisation")
REPORTS = _l("Reports")
CLIENTS = _l("Clients")

_pages = {}  # (order, endpoint) → a function making the page, filled by the domains' init_app
_index = {}
_state = {"added": False}


def add_page(order, endpoint, make):
    """A domain's page: `make()` builds its view once per process, at its place `order` in the menu."""
    _pages[(order, endpoint)] = make


def set_index(make):
    """The panel's home page (`make()` builds it), in place of Flask-Admin's empty one."""
    _index["make"] = make


def init_app(app):
    """The base of every page; the domains' own pages come with finish_app after them."""
    id_converter.init_app(app)
    menu.init_app(app)
    assets.init_app(app)
    select_options.init_app(app)


def finish_app(app):
    """Add the domains' pages to Flask-Admin once per process, then bind it to this app."""
    if _state["added"]:
        admin.init_app(app)
        return
    from admin_views.exports import model_lists

    views = [make() for _key, make in sorted(_pages.items(), key=lambda item: item[0])]
    admin.add_views(*views)
    model_lists.register_model_views(views)
    index = _index["make"]() if "make" in _index else None
    admin.init_app(app, index_view=index)
    _state["added"] = True
