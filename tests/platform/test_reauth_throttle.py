"""Proving oneself again in the profile (a password change, turning 2FA off) is under the sign-in's
throttle: the current password cannot be guessed there without limit."""

import pyotp
import pytest

from extensions import db
from models.platform.user import User
from services.platform import totp
from tests.factories.platform import PASSWORD, make_user
from tests.view_helpers import fresh, new_client, post_form, post_login, sign_in

NEW_PASSWORD = "brand-new-secret-7"


@pytest.fixture
def agent():
    return make_user("guessed", "agent", language="en")


def change_password(client, current):
    return post_form(
        client, "/admin/profile/password", current_password=current, new_password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )


def test_guessing_the_current_password_in_the_profile_is_throttled(app, agent):
    client = sign_in(app, agent)
    limit = app.config["LOGIN_MAX_FAILS_PER_ACCOUNT"]
    before = fresh(User, agent.id).password_hash
    for n in range(limit):
        assert change_password(client, f"guess-{n}-wrong").status_code == 400
    refused = change_password(client, PASSWORD)  # even the right one, while the pause lasts
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.text
    assert fresh(User, agent.id).password_hash == before
    # The same throttle as at the sign-in: the account is paused there too.
    assert post_login(new_client(app), agent.username, PASSWORD).status_code == 429


def test_guessing_the_password_to_turn_2fa_off_is_throttled(app, agent):
    secret = pyotp.random_base32()
    totp.enable(db.session.get(User, agent.id), secret)
    db.session.commit()
    client = new_client(app)
    post_login(client, agent.username)
    assert post_form(client, "/login/2fa", form_page="/login/2fa", code=pyotp.TOTP(secret).now()).status_code == 302
    limit = app.config["LOGIN_MAX_FAILS_PER_ACCOUNT"]
    for n in range(limit):
        response = post_form(client, "/admin/profile/2fa/disable", password=f"guess-{n}-wrong", code="000000")
        assert response.status_code == 400
    refused = post_form(client, "/admin/profile/2fa/disable", password=PASSWORD, code=pyotp.TOTP(secret).now())
    assert refused.status_code == 429
    assert fresh(User, agent.id).totp_enabled


def test_a_right_current_password_still_works_below_the_limit(app, agent):
    client = sign_in(app, agent)
    assert change_password(client, "one-wrong-guess").status_code == 400
    before = fresh(User, agent.id).password_hash
    assert change_password(client, PASSWORD).status_code == 302
    assert fresh(User, agent.id).password_hash != before
