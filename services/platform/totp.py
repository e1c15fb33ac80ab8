"""TOTP second factor: enrolment by QR, one use per code, one-time recovery codes."""

import hashlib
import io
import secrets
import time

import pyotp
import segno
from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from models.base import utcnow
from models.platform.user import RecoveryCode, User
from services.platform import access

ISSUER = "Kartoteka"
RECOVERY_CODE_COUNT = 10


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri):
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def matching_step(secret, code, now=None):
    """The time step the code belongs to (±1 step of drift), or None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // totp.interval)
    for step in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_and_consume(user, code, now=None):
    """Accept each code once: a step at or before the last used one is a replay. The step is claimed
    by one conditional UPDATE, so of requests racing with the same code exactly one wins."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, now)
    if step is None:
        return False
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _digest(code):
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def issue_recovery_codes(user):
    db.session.query(RecoveryCode).filter_by(user_id=user.id).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(code)))
    return codes


def use_recovery_code(user, code):
    """Spend a recovery code: one conditional UPDATE, so a code raced by several requests works once."""
    if not code or len(code) > 32:
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return spent == 1


def remaining_recovery_codes(user):
    return db.session.query(RecoveryCode).filter_by(user_id=user.id, used_at=None).count()


def enable(user, secret):
    user.totp_secret = secret
    user.totp_enabled = True
    return issue_recovery_codes(user)


def disable(user):
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    db.session.query(RecoveryCode).filter_by(user_id=user.id).delete()


def required_for(user):
    return access.snapshot_of(user).require_2fa
