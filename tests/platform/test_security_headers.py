"""Request-level defences: security headers, session cookie flags, and CSRF on every change."""

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from models.cards.directory import Bank
from models.platform.user import LoginAttempt, User, UserSession
from tests.conftest import csrf_token
from tests.factories.platform import PASSWORD, make_user
from tests.view_helpers import COOKIE, assert_signed_in, assert_signed_out, fresh, new_client, sign_in

SCRIPT_RE = re.compile(r"<script\b([^>]*)>", re.I)


def csp(response):
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def owner():
    return make_user("owner", "owner", full_name="Olena Owner", language="en")


def pages(app, owner):
    """A sign-in page, a signed-in page, a 403, a 404 and a CSRF refusal."""
    anonymous = new_client(app)
    signed_in = sign_in(app, owner)
    agent = sign_in(app, make_user(role_code="agent", language="en"))
    return {
        "login": anonymous.get("/login"),
        "dashboard": signed_in.get("/admin/"),
        "list": signed_in.get("/admin/staff/"),
        "forbidden": agent.get("/admin/staff/"),
        "missing": signed_in.get("/admin/no-such-page/"),
        "csrf refusal": anonymous.post("/login", data={"username": "x", "password": "y"}),
    }


def test_every_response_carries_the_security_headers(app, owner):
    for name, response in pages(app, owner).items():
        assert response.headers.get("X-Frame-Options") == "DENY", name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        policy = csp(response)
        assert policy.get("frame-ancestors") == ["'none'"], name
        assert policy.get("object-src") == ["'none'"], name


def test_script_src_has_a_nonce_and_no_unsafe_inline(app, owner):
    for name, response in pages(app, owner).items():
        script_src = csp(response).get("script-src") or csp(response).get("default-src")
        assert script_src, name
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, name
        assert "*" not in script_src and "data:" not in script_src, name
        nonces = [s for s in script_src if re.fullmatch(r"'nonce-[A-Za-z0-9_\-]{16,}={0,2}'", s)]
        assert len(nonces) == 1, (name, script_src)


def test_the_nonce_is_new_for_every_response(app, owner):
    client = sign_in(app, owner)
    seen = {tuple(csp(client.get("/admin/")).get("script-src")) for _ in range(3)}
    assert len(seen) == 3


def test_every_script_on_an_admin_page_carries_the_nonce_of_its_response(app, owner):
    response = sign_in(app, owner).get("/admin/staff/")
    nonce = next(s for s in csp(response)["script-src"] if s.startswith("'nonce-"))[len("'nonce-") : -1]
    scripts = SCRIPT_RE.findall(response.text)
    assert scripts
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    for attrs in inline:
        assert f'nonce="{nonce}"' in attrs, attrs


def test_signed_in_pages_are_not_cached(app, owner):
    response = sign_in(app, owner).get("/admin/profile/")
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_the_session_cookie_is_httponly_and_samesite_lax(app, owner):
    client = new_client(app)
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "owner", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}=")]
    assert cookies, response.headers.getlist("Set-Cookie")
    for cookie in cookies:
        flags = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "httponly" in flags
        assert "samesite=lax" in flags
    stored = client.get_cookie(COOKIE)
    assert stored.http_only and stored.same_site == "Lax"


def test_no_remember_me_cookie_outlives_the_session(app, owner):
    client = sign_in(app, owner)
    assert client.get_cookie("remember_token") is None
    assert client.get_cookie(COOKIE).expires is None  # a browser-session cookie


# --- CSRF: a POST without a token is a 400 and changes nothing ------------------------------------------------


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_login_without_a_csrf_token_is_refused_and_signs_nobody_in(app, owner):
    client = new_client(app)
    client.get("/login")
    response = client.post("/login", data={"username": "owner", "password": PASSWORD})
    assert response.status_code == 400
    assert count(LoginAttempt) == 0 and count(UserSession) == 0
    assert_signed_out(client)


def test_a_profile_change_without_a_csrf_token_is_refused(app, owner):
    client = sign_in(app, owner)
    data = {"full_name": "Forged Name", "language": "ru", "timezone": "Asia/Tokyo", "email": ""}
    response = client.post("/admin/profile/details", data=data)
    assert response.status_code == 400
    stored = fresh(User, owner.id)
    assert (stored.full_name, stored.language, stored.timezone) == ("Olena Owner", "en", "Europe/Kyiv")


def test_a_new_bank_without_a_csrf_token_is_refused(app, owner):
    client = sign_in(app, owner)
    response = client.post("/admin/banks/new/", data={"name": "Forged Bank", "commission_percent": "1"})
    assert response.status_code == 400
    assert count(Bank) == 0


def test_logout_without_a_csrf_token_is_refused_and_the_session_lives_on(app, owner):
    client = sign_in(app, owner)
    response = client.post("/logout")
    assert response.status_code == 400
    assert count(UserSession, UserSession.ended_at.is_not(None)) == 0
    assert_signed_in(client)


@pytest.mark.parametrize("token", ["", "garbage", "IjAxMjM0NTY3ODkwMTIzNDU2Nzg5MCI.aaaa.bbbb"], ids=repr)
def test_a_wrong_csrf_token_is_refused_like_a_missing_one(app, owner, token):
    client = sign_in(app, owner)
    response = client.post("/admin/banks/new/", data={"name": "Forged Bank", "csrf_token": token})
    assert response.status_code == 400
    assert count(Bank) == 0


def test_a_csrf_token_from_another_session_is_refused(app, owner):
    attacker = sign_in(app, make_user(role_code="owner", language="en"))
    stolen = csrf_token(attacker, "/admin/banks/new/")
    victim = sign_in(app, owner)
    response = victim.post("/admin/banks/new/", data={"name": "Forged Bank", "csrf_token": stolen})
    assert response.status_code == 400
    assert count(Bank) == 0


def test_the_same_change_with_a_token_goes_through(app, owner):
    """The refusals above are about the token, not about the form."""
    client = sign_in(app, owner)
    data = {"name": "Real Bank", "commission_percent": "1", "commission_fixed": "0", "is_active": "y"}
    response = client.post("/admin/banks/new/", data=dict(data, csrf_token=csrf_token(client, "/admin/banks/new/")))
    assert response.status_code == 302
    assert count(Bank) == 1
