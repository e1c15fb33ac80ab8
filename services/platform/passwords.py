from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from services.platform import cache

MIN_LENGTH = 8


def _hasher():
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"])


def hash_password(password):
    return _hasher().hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hashes = cache.keyed("dummy password hashes")  # by the hasher's costs


def burn_time(password):
    """Spend the same effort as a real check, so timing does not tell unknown users apart."""
    key = current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"]
    verify_password(_dummy_hashes.value_of(key, lambda: hash_password("not-a-real-password")), password)
