"""A one-time code works once, even when several sessions post it at the same moment: each code is
claimed by one conditional UPDATE, so of six racing second-factor steps exactly one signs in."""

import threading

import pyotp
import pytest
from sqlalchemy import func, select

from extensions import db
from models.platform.user import RecoveryCode, User, UserSession
from services.platform import totp
from tests.conftest import csrf_token
from tests.factories.platform import make_user
from tests.view_helpers import location_path, new_client, post_login

RACERS = 6


@pytest.fixture
def person():
    user = make_user("racer", "agent", language="en")
    secret = pyotp.random_base32()
    codes = totp.enable(db.session.get(User, user.id), secret)
    db.session.commit()
    return user, secret, codes


def pending_clients(app, user):
    """Sessions that passed the password step and wait for the second factor."""
    clients = []
    for n in range(RACERS):
        client = new_client(app, ip=f"10.9.0.{n + 1}")
        response = post_login(client, user.username)
        assert response.status_code == 302 and location_path(response) == "/login/2fa", response.text
        clients.append((client, csrf_token(client, "/login/2fa")))
    return clients


def race(clients, code):
    """Every client posts `code` at the same moment; returns the status codes."""
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def post(index, client, token):
        start.wait()
        answers[index] = client.post("/login/2fa", data={"code": code, "csrf_token": token})

    threads = [threading.Thread(target=post, args=(n, *pair)) for n, pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def signed_in_sessions(user):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id, UserSession.verified)
    )


def test_six_sessions_racing_with_one_totp_code_give_one_sign_in(app, person):
    user, secret, _codes = person
    clients = pending_clients(app, user)
    answers = race(clients, pyotp.TOTP(secret).now())
    winners = [a for a in answers if a.status_code == 302 and location_path(a) == "/admin/"]
    assert len(winners) == 1, [a.status_code for a in answers]
    assert sorted(a.status_code for a in answers if a not in winners) == [401] * (RACERS - 1)
    assert signed_in_sessions(user) == 1


def test_six_sessions_racing_with_one_recovery_code_give_one_sign_in(app, person):
    user, _secret, codes = person
    clients = pending_clients(app, user)
    answers = race(clients, codes[0])
    winners = [a for a in answers if a.status_code == 302 and location_path(a) == "/admin/"]
    assert len(winners) == 1, [a.status_code for a in answers]
    assert signed_in_sessions(user) == 1
    db.session.expire_all()
    used = db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.isnot(None))
    )
    assert used == 1
