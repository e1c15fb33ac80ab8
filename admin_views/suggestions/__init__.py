"""Anonymous suggestions (/admin/suggestions/): the board, the inbox of the addressed, the form."""

from flask_babel import lazy_gettext as _l

from admin_views import add_page


def init_app(app):
    from admin_views.suggestions import pages

    add_page(150, "suggestions", lambda: pages.SuggestionsView(name=_l("Suggestions"), endpoint="suggestions",
                                                               url="suggestions"))  # fmt: skip
