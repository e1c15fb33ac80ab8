"""Sending a suggestion. Nothing of the sender is kept: the row has no author, the day only, and is
not audited; the daily limit counts under a key that cannot be tied to him after the day
(daily_limit); the addressee's notification names nobody. The sender is used only to check whom he
may address and to count."""

from flask_babel import lazy_gettext as _l

from extensions import db
from models.base import utcnow
from models.suggestions import Suggestion
from services.platform import notifications
from services.platform.errors import RefusedChange
from services.suggestions import addressees, daily_limit

MAX_BODY = 4000
INBOX = "/admin/suggestions/?tab=inbox"


class SuggestionRefused(RefusedChange):
    pass


def send(author, addressee_key, body):
    """A new suggestion from `author` (never stored) to the addressee of this key; flushed."""
    body = (body or "").strip()
    errors = {}
    target = addressees.resolve(author.id, addressee_key)
    if target is None:
        errors["addressee"] = _l("Choose one of your leaders or the administrator.")
    if not body:
        errors["body"] = _l("Write your suggestion.")
    elif len(body) > MAX_BODY:
        errors["body"] = _l("At most %(n)s characters.", n=MAX_BODY)
    if errors:
        raise SuggestionRefused(_l("The suggestion was not sent."), errors=errors)
    daily_limit.take(author.id)
    addressee_id, to_administrator = target
    suggestion = Suggestion(
        addressee_id=addressee_id, to_administrator=to_administrator, body=body, status="new", sent_on=utcnow().date()
    )
    db.session.add(suggestion)
    db.session.flush()
    readers = addressees.administrator_ids() if to_administrator else {addressee_id}
    # No `exclude` and no values: the notification says nothing of who wrote it. An author who is one
    # of the administrators is told of his own suggestion like the others — leaving him out would
    # name him as the one administrator who was not told.
    added = notifications.notify(readers, "suggestions.received", link=INBOX)
    _blur_times(added)
    return suggestion


def _blur_times(added):
    """The notifications keep the hour only: their exact time would line the send up with the
    sender's other requests in the request log."""
    for item in added:
        item.created_at = item.created_at.replace(minute=0, second=0, microsecond=0)
