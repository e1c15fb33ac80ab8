"""The forum's pages (/admin/forum/): the branch tree, a branch's topics, a topic with its posts,
photos, "who has read" and search; the topic's socket room."""

from flask_babel import lazy_gettext as _l

from admin_views import add_page

BRANCH_LABELS = {"parent_id": _l("Parent branch"), "title": _l("Title"), "description": _l("Description"),
                 "visibility": _l("Who sees it")}  # fmt: skip
VISIBILITY_LABELS = {"all": _l("Everyone"), "audience": _l("Chosen departments, positions and offices"),
                     "private": _l("Invited members only")}  # fmt: skip
TOPIC_LABELS = {"branch_id": _l("Branch"), "title": _l("Title"), "author_id": _l("Author"),
                "restricted": _l("Participants only"), "pinned": _l("Pinned"), "closed": _l("Closed"),
                "last_post_id": _l("Last message"), "last_post_at": _l("Last activity"),
                "post_count": _l("Messages")}  # fmt: skip


def init_app(app):
    from admin_views.change_words import describe
    from admin_views.forum import pages
    from realtime import rooms
    from services.forum import visibility

    describe("forum_branches", _l("Forum branch"), BRANCH_LABELS, {"visibility": VISIBILITY_LABELS})
    describe("forum_topics", _l("Forum topic"), TOPIC_LABELS)
    rooms.register("forum_topic", "forum.view",
                   member=lambda user, topic_id: visibility.visible_topic(user, topic_id) is not None)  # fmt: skip
    add_page(20, "forum", lambda: pages.ForumView(name=_l("Forum"), endpoint="forum", url="forum"))
