"""Anonymous suggestions and remarks to one's leaders or the administrator: sending without a trace
of the sender, the addressee's inbox, public answers and statuses, and the board."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "suggestions.send": _l("Send anonymous suggestions to one's leaders and the administrator"),
    "suggestions.administer": _l("Receive and answer the suggestions sent to the administrator"),
}
SECTION = "/admin/suggestions/"


def init_app(app):
    from services.platform import access, anonymous, notifications

    access.register_permissions(PERMISSIONS)
    # Every page of the section: the form, the send and the page it returns to are not written to
    # the request log with a user or an address, nor do they touch the session row.
    anonymous.register(SECTION)
    notifications.register(
        "suggestions.received",
        _l("An anonymous suggestion to me"),
        _l("A new anonymous suggestion was sent to you"),
        section=SECTION,
    )
