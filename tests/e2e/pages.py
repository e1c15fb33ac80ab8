"""What the e2e tests do on a page of the app: sign in as a demo person, read a message as the
server shows it in a language."""

import re

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


def signed_in_live(new_page, username, url):
    """A new page signed in as `username` at `url`, once its socket is connected (live events reach it)."""
    page = new_page()
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/admin/"))
    page.goto(url)
    page.wait_for_function("() => window.kartotekaSocket && window.kartotekaSocket.connected")
    return page
