"""Client chats: on each client's page, a conversation between his responsible employee, the leaders
above him and the people they add from their own teams (services/chats/rules.py says who). Its
history stays with the client whoever leaves it."""

from flask_babel import lazy_gettext as _l


def init_app(app):
    from services.chats import rules
    from services.pipeline import signals
    from services.platform import notifications

    notifications.register("chats.message", _l("A chat message in a chat I follow"),
                           _l("%(by)s wrote in the chat of %(client)s"), section="/admin/clients/")  # fmt: skip
    signals.people_changed.connect(rules.people_changed)
    signals.moved.connect(rules.subject_moved)
