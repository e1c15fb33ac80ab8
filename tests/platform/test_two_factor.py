"""Two-factor sign-in: enrolment in the profile, one use per code, recovery codes, the owner's
per-role requirement, and the short life of the pending step."""

import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from extensions import db
from models.base import utcnow
from models.platform.user import RecoveryCode, Role, User, UserSession
from services.platform import totp
from tests.conftest import csrf_token
from tests.factories.platform import PASSWORD, make_user
from tests.view_helpers import (
    alerts,
    assert_signed_in,
    assert_signed_out,
    fresh,
    location_path,
    new_client,
    post_form,
    post_login,
    sign_in,
)

SECRET_RE = re.compile(r'<code id="totp-secret">([A-Z2-7]+)</code>')
RECOVERY_RE = re.compile(r"\b[0-9a-f]{5}-[0-9a-f]{5}\b")
BAD_CODE = "The code is not right."


def code_at(secret, offset_steps=0):
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enrol(client):
    """Set up 2FA through the profile pages; returns (secret, recovery codes)."""
    started = post_form(client, "/admin/profile/2fa/start")
    assert started.status_code == 302 and location_path(started) == "/admin/profile/"
    page = client.get("/admin/profile/")
    secret = SECRET_RE.search(page.text).group(1)
    confirmed = post_form(client, "/admin/profile/2fa/confirm", code=code_at(secret))
    assert confirmed.status_code == 200, confirmed.text
    block = re.search(r'<pre class="recovery-codes">(.*?)</pre>', confirmed.text, re.S).group(1)
    return secret, RECOVERY_RE.findall(block)


@pytest.fixture
def user():
    return make_user("tfa", "agent", full_name="Taras Twofactor", language="en")


@pytest.fixture
def secret(user):
    """2FA already on (set up through the service, as a finished enrolment leaves it)."""
    value = pyotp.random_base32()
    codes = totp.enable(db.session.get(User, user.id), value)
    db.session.commit()
    user.recovery = codes
    return value


def password_step(app, user, ip=None):
    client = new_client(app, ip)
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302 and location_path(response) == "/login/2fa", response.headers.get("Location")
    return client


def code_step(client, code):
    return client.post("/login/2fa", data={"code": code, "csrf_token": csrf_token(client, "/login/2fa")})


# --- enrolment ------------------------------------------------------------------------------------------


def test_enrolment_through_the_profile_turns_two_factor_on_with_ten_recovery_codes(app, user):
    client = sign_in(app, user)
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = fresh(User, user.id)
    assert stored.totp_enabled is True and stored.totp_secret == secret
    hashes = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10
    assert not set(codes) & set(hashes)  # stored hashed, never as shown
    assert "Recovery codes left: 10" in client.get("/admin/profile/").text


def test_a_wrong_code_at_enrolment_leaves_two_factor_off(app, user):
    client = sign_in(app, user)
    post_form(client, "/admin/profile/2fa/start")
    secret = SECRET_RE.search(client.get("/admin/profile/").text).group(1)
    wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"
    response = post_form(client, "/admin/profile/2fa/confirm", code=wrong)
    assert response.status_code == 400
    stored = fresh(User, user.id)
    assert (stored.totp_enabled, stored.totp_secret) == (False, None)
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def test_after_enrolment_sign_in_asks_for_the_second_step(app, user):
    secret, _codes = enrol(sign_in(app, user))
    client = password_step(app, user)
    assert_signed_out(client)  # the password alone opens nothing
    response = code_step(client, code_at(secret, 1))
    assert response.status_code == 302 and location_path(response) == "/admin/"
    assert_signed_in(client)


# --- codes at sign-in -------------------------------------------------------------------------------------


def test_a_right_code_passes(app, user, secret):
    client = password_step(app, user)
    response = code_step(client, code_at(secret))
    assert response.status_code == 302
    assert_signed_in(client)
    assert db.session.scalar(select(UserSession.verified).where(UserSession.user_id == user.id)) is True


def test_a_code_replayed_in_a_new_sign_in_is_refused_inside_its_window(app, user, secret):
    code = code_at(secret)
    first = password_step(app, user)
    assert code_step(first, code).status_code == 302
    second = password_step(app, user, ip="198.51.100.9")
    response = code_step(second, code)
    assert response.status_code == 401
    assert alerts(response) == [BAD_CODE]
    assert_signed_out(second)


def test_an_older_code_after_a_newer_one_is_refused(app, user, secret):
    assert code_step(password_step(app, user), code_at(secret, 1)).status_code == 302
    late = password_step(app, user)
    assert code_step(late, code_at(secret)).status_code == 401
    assert_signed_out(late)


@pytest.mark.parametrize("kind", ["wrong digits", "far future", "letters", "too long"])
def test_a_wrong_code_is_refused(app, user, secret, kind):
    right = code_at(secret)
    code = {
        "wrong digits": f"{(int(right) + 1) % 1_000_000:06d}",
        "far future": code_at(secret, 20),
        "letters": "abcdef",
        "too long": right + "0",
    }[kind]
    client = password_step(app, user)
    response = code_step(client, code)
    assert response.status_code == 401
    assert_signed_out(client)
    assert db.session.scalar(select(UserSession.verified).where(UserSession.user_id == user.id)) is False


def test_wrong_codes_count_towards_the_sign_in_throttle(app, user, secret):
    client = password_step(app, user)
    for step in range(5):
        assert code_step(client, f"{(int(code_at(secret)) + 1 + step) % 1_000_000:06d}").status_code == 401
    response = code_step(client, code_at(secret))
    assert response.status_code == 429
    assert_signed_out(client)


def test_a_recovery_code_works_once(app, user, secret):
    code = user.recovery[0]
    first = password_step(app, user)
    assert code_step(first, code).status_code == 302
    assert_signed_in(first)
    second = password_step(app, user)
    assert code_step(second, code).status_code == 401
    assert_signed_out(second)
    assert code_step(second, user.recovery[1]).status_code == 302


def test_the_second_step_without_the_first_goes_back_to_sign_in(app, user, secret):
    client = new_client(app)
    response = client.get("/login/2fa")
    assert response.status_code == 302 and location_path(response) == "/login"


def test_the_pending_second_step_expires_after_five_minutes(app, user, secret):
    client = password_step(app, user)
    for record in db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)):
        record.created_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    response = code_step_without_token_page(client, code_at(secret))
    assert response.status_code == 302 and location_path(response) == "/login"
    assert_signed_out(client)
    assert fresh(User, user.id).totp_last_step is None  # the code was not even looked at


def test_the_pending_second_step_still_works_within_five_minutes(app, user, secret):
    client = password_step(app, user)
    for record in db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)):
        record.created_at = utcnow() - timedelta(minutes=4)
    db.session.commit()
    assert code_step(client, code_at(secret)).status_code == 302
    assert_signed_in(client)


def code_step_without_token_page(client, code):
    # The 2FA page itself redirects once the step has expired, so take the token from /login.
    return client.post("/login/2fa", data={"code": code, "csrf_token": csrf_token(client, "/login")})


# --- required by role ---------------------------------------------------------------------------------------


def require_2fa_for(role_code):
    role = db.session.scalar(select(Role).where(Role.code == role_code))
    role.require_2fa = True
    db.session.commit()


def test_an_agent_without_two_factor_is_sent_to_the_profile_when_his_role_requires_it(app, user):
    require_2fa_for("agent")
    client = sign_in(app, user)
    for url in ("/admin/", "/admin/tracker/", "/admin/banks/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert location_path(response) == "/admin/profile/", url
    assert client.get("/admin/profile/").status_code == 200

    enrol(client)
    assert client.get("/admin/").status_code == 200


def test_a_role_without_the_requirement_is_not_held_at_the_profile(app):
    require_2fa_for("agent")
    manager = make_user(role_code="manager", language="en")
    assert sign_in(app, manager).get("/admin/").status_code == 200


def test_two_factor_cannot_be_turned_off_when_the_role_requires_it(app, user, secret):
    require_2fa_for("agent")
    client = password_step(app, user)
    code_step(client, code_at(secret))
    response = post_form(client, "/admin/profile/2fa/disable", password=PASSWORD, code=code_at(secret, 1))
    assert response.status_code == 302
    assert fresh(User, user.id).totp_enabled is True


def test_turning_two_factor_off_needs_the_password_and_a_code(app, user, secret):
    client = password_step(app, user)
    code_step(client, code_at(secret))
    refused = post_form(client, "/admin/profile/2fa/disable", password="not-mine", code=code_at(secret, 1))
    assert refused.status_code == 400
    assert fresh(User, user.id).totp_enabled is True
    done = post_form(client, "/admin/profile/2fa/disable", password=PASSWORD, code=code_at(secret, 1))
    assert done.status_code == 302
    stored = fresh(User, user.id)
    assert (stored.totp_enabled, stored.totp_secret) == (False, None)
