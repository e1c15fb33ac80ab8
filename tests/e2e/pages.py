"""What the e2e tests do on a page of the app: sign in as a demo person, read a message as the
server shows it in a language."""

from flask_babel import force_locale, gettext

from seeds.demo import DEMO_PASSWORD


def t(locale, message, **values):
    """The text the server shows for `message` in `locale` (the English source if not translated)."""
    with force_locale(locale):
        return gettext(message, **values)


def sign_in(page, username, password=DEMO_PASSWORD):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
