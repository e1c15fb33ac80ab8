"""Payment data at rest: a value sealed with AES-GCM, and a keyed hash that finds or de-duplicates it
without opening it. Both keys come from one secret (DATA_ENCRYPTION_KEY, 32 bytes in URL-safe
base64) through HKDF, so that neither the sealed values nor the hashes give the other key away.
`purpose` names what is sealed (a card's number): it is bound to the ciphertext, and a value sealed
for one purpose does not open as another."""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_FORMAT = b"\x01"  # the first byte of every sealed value: AES-256-GCM, 12-byte nonce
_NONCE = 12


class SealError(ValueError):
    """A sealed value that does not open with this key (another key, or altered)."""


@lru_cache(maxsize=4)
def _keys(secret):
    try:
        master = base64.urlsafe_b64decode(secret.encode() + b"=" * (-len(secret) % 4))
    except ValueError:
        master = b""
    if len(master) != 32:
        raise RuntimeError("DATA_ENCRYPTION_KEY must be 32 bytes in URL-safe base64")

    def derived(info):
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derived(b"kartoteka/seal")), derived(b"kartoteka/lookup")


def _current():
    return _keys(current_app.config["DATA_ENCRYPTION_KEY"])


def seal(text, purpose):
    box, _lookup = _current()
    nonce = os.urandom(_NONCE)
    return _FORMAT + nonce + box.encrypt(nonce, text.encode(), purpose.encode())


def unseal(blob, purpose):
    box, _lookup = _current()
    blob = bytes(blob)
    if blob[:1] != _FORMAT:
        raise SealError("unknown format")
    try:
        return box.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], purpose.encode()).decode()
    except InvalidTag as error:
        raise SealError("does not open with this key") from error


def lookup_hash(text, purpose):
    """A keyed hash (HMAC-SHA-256, hex) of `text`: equal texts give equal hashes, and without the key
    nobody can test a guess against it."""
    _box, lookup = _current()
    return hmac.new(lookup, purpose.encode() + b"\0" + text.encode(), hashlib.sha256).hexdigest()
