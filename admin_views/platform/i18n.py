"""Language and time zone of the current request."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs, CLI: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if request:
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.timezone
    return None


def _action_label(action):
    from services.platform.audit import ACTION_LABELS

    return ACTION_LABELS.get(action, action)


def init_app(app):
    from services.platform.money import money_text
    from services.platform.timezones import format_local

    app.add_template_filter(format_local, "localtime")
    app.add_template_filter(money_text, "money")
    app.add_template_global(_action_label, "action_label")
    app.add_template_global(get_locale, "get_locale")
