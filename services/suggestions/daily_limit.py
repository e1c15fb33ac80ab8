"""How many suggestions one person may send a day, counted without knowing who he is afterwards.

The count lives only in Redis, under HMAC-SHA256(the day's secret, user id). The secret is random,
made by the first send of the (UTC) day and kept in Redis only, and it and the counters expire when
the day ends: after that no key can be tied back to a person, since nobody has the secret any more.
During the day whoever reads Redis and knows the people's ids could test whether a given person
has sent suggestions, and how many (docs/architecture.md, "Anonymous suggestions")."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l

from extensions import queues
from services.platform.errors import RefusedChange

PER_DAY = 5
PREFIX = "suggestions:day"


class TooMany(RefusedChange):
    def __init__(self):
        super().__init__(_l("You have sent as many suggestions as a day allows. Try again tomorrow."), status=429)


def _day_and_end(now=None):
    now = now or datetime.now(UTC)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.date().isoformat(), int((start + timedelta(days=1)).timestamp())


def _secret(connection, day, ends):
    key = f"{PREFIX}:{day}:secret"
    pipe = connection.pipeline()
    pipe.set(key, secrets.token_bytes(32), nx=True)
    pipe.expireat(key, ends)
    pipe.get(key)
    return pipe.execute()[-1]


def counter_key(user_id, now=None):
    """The key of this person's counter today (an HMAC nobody can reverse once the secret is gone)."""
    day, ends = _day_and_end(now)
    tag = hmac.new(_secret(queues.connection, day, ends), str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"{PREFIX}:{day}:{tag}", ends


def take(user_id, now=None):
    """Count one more suggestion of this person today; TooMany beyond PER_DAY."""
    key, ends = counter_key(user_id, now)
    pipe = queues.connection.pipeline()
    pipe.incr(key)
    pipe.expireat(key, ends)
    count = pipe.execute()[0]
    if count > PER_DAY:
        raise TooMany()
    return count
