"""Client chats: the chat tab of a client's page, the list of one's chats, the chat's socket room and
its section of the client's dossier."""

from flask_babel import lazy_gettext as _l

from admin_views import CLIENTS, add_page

HISTORY_COLUMNS = (_l("When"), _l("Who"), _l("Message"), _l("Attachment"))


def _badge(client):
    from flask_login import current_user

    from services.chats import lists

    return lists.unread_of(current_user, client.id)


def _history_rows(client):
    from services.chats import messages

    for message in messages.history(client.id):
        yield (message.created_at, message.author.display_name, message.body,
               message.file.original_name if message.file else "")  # fmt: skip


def init_app(app):
    from admin_views.chats import chat_view, live
    from admin_views.pipeline import subject_pages
    from realtime import rooms
    from services.chats import events, messages, rules

    app.add_template_filter(messages.as_html, "chat_html")
    add_page(34, "chats", lambda: chat_view.ChatsView(name=_l("My chats"), endpoint="chats", url="chats",
                                                      category=CLIENTS))  # fmt: skip
    rooms.register(live.PREFIX, "clients.view", member=live.member)
    events.posted.connect(live.posted)
    events.read.connect(live.read)
    events.access_lost.connect(live.access_lost)
    subject_pages.register_tab(rules.SUBJECT, "chat", _l("Chat"), chat_view.panel_context, "admin/chats/_panel.html",
                               badge=_badge, script="js/chats.js")  # fmt: skip
    subject_pages.register_dossier_section(rules.SUBJECT, "chat", _l("Chat"), HISTORY_COLUMNS, _history_rows)
