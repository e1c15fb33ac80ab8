"""The forum: branches in a tree with who sees each, topics with posts in Markdown and photos, who has
read what (a watermark per person and topic), invitations and mentions, search."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "forum.view": _l("Read and write in the forum's branches one sees"),
    "forum.branches": _l("Create and edit forum branches, pin and close their topics"),
}
SECTION = "/admin/forum/"


def init_app(app):
    from services.platform import access, notifications

    access.register_permissions(PERMISSIONS)
    notifications.register("forum.invited", _l("An invitation to a forum topic"),
                           _l("%(by)s invited you to the topic %(topic)s"), section=SECTION)  # fmt: skip
    notifications.register("forum.mentioned", _l("A mention of me in the forum"),
                           _l("%(by)s mentioned you in the topic %(topic)s"), section=SECTION)  # fmt: skip
