"""Shared helpers of the tests over HTTP: clients that behave like a real server, sign-in through
the real form, and reads and writes of the database from outside the test's session."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from flask.testing import FlaskClient
from sqlalchemy import text

from extensions import db
from tests.conftest import csrf_token
from tests.factories.platform import PASSWORD

COOKIE = "kartoteka_session"
ALERT_RE = re.compile(r'<div class="alert[^"]*" role="alert">\s*(.*?)\s*</div>', re.S)


class RequestClient(FlaskClient):
    """Each request in its own app context, as on a real server: its own `g` and database session,
    so nothing cached for one request (the signed-in user, access answers) leaks into the next."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class EnglishRequestClient(RequestClient):
    """A RequestClient whose browser asks for English, whatever the default language is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def new_client(app, ip=None):
    client = EnglishRequestClient(app, app.response_class, use_cookies=True)
    if ip:
        client.environ_base["REMOTE_ADDR"] = ip
    return client


def post_login(client, username, password=PASSWORD, next_url=None):
    url = "/login" if next_url is None else "/login?" + urlencode({"next": next_url})
    token = csrf_token(client, "/login")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


def sign_in(app, user, password=PASSWORD, ip=None):
    """A client signed in as `user` (password step only; the user must not have 2FA on)."""
    client = new_client(app, ip)
    response = post_login(client, user.username, password)
    assert response.status_code == 302, response.text
    assert location_path(response) == "/admin/", response.headers["Location"]
    return client


def signed_in(app, login_as, user):
    """A RequestClient signed in as `user` through the `login_as` fixture (browser language unset)."""
    return login_as(user, client=RequestClient(app, app.response_class, use_cookies=True))


def post_form(client, url, form_page="/admin/profile/", **data):
    """POST `data` with the CSRF token a real page of this client's session hands out."""
    return client.post(url, data=dict(data, csrf_token=csrf_token(client, form_page)))


def location_path(response):
    return urlsplit(response.headers.get("Location", "")).path


def location_next(response):
    return parse_qs(urlsplit(response.headers.get("Location", "")).query).get("next", [None])[0]


def is_sent_to_login(response):
    return response.status_code == 302 and location_path(response) == "/login"


def assert_signed_out(client):
    response = client.get("/admin/profile/")
    assert is_sent_to_login(response), (response.status_code, response.headers.get("Location"))


def assert_signed_in(client):
    response = client.get("/admin/profile/")
    assert response.status_code == 200, (response.status_code, response.headers.get("Location"))


def alerts(response):
    return [re.sub(r"\s+", " ", text) for text in ALERT_RE.findall(response.text)]


def fresh(model, pk):
    """The row as the database has it now, not as this test's session remembers it."""
    db.session.expire_all()
    return db.session.get(model, pk)


def run_outside_app(sql, **params):
    """A statement from outside the app's session (another process, psql), committed."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), params)


def copy_session_cookie(source, target):
    cookie = source.get_cookie(COOKIE)
    assert cookie is not None, "the source client holds no session cookie"
    target.set_cookie(COOKIE, cookie.value, domain=cookie.domain or "localhost")
    return cookie.value
