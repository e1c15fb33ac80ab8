"""The addressee's acts on a suggestion: a public answer and the status. They are his own, so they
keep who made them and when (answered_by, the status history); the sender stays unknown."""

from flask_babel import lazy_gettext as _l

from extensions import db
from models.base import utcnow
from models.suggestions import SuggestionStatusChange
from models.suggestions.suggestion import STATUSES
from services.suggestions.sending import MAX_BODY, SuggestionRefused

STATUS_LABELS = {
    "new": _l("New"),
    "review": _l("Under review"),
    "done": _l("Done"),
    "declined": _l("Declined"),
}
assert set(STATUS_LABELS) == set(STATUSES)


def answer(user, suggestion, text):
    """Set (or replace) the public answer; an empty text takes it back. Kept by the caller's commit."""
    text = (text or "").strip()
    if len(text) > MAX_BODY:
        raise SuggestionRefused(
            _l("The answer was not saved."), errors={"answer": _l("At most %(n)s characters.", n=MAX_BODY)}
        )
    if text == (suggestion.answer or ""):
        return False
    suggestion.answer = text or None
    suggestion.answered_by_id = user.id if text else None
    suggestion.answered_at = utcnow() if text else None
    return True


def set_status(user, suggestion, status):
    """Move it to `status`, kept in its history; the same status again changes nothing."""
    if status not in STATUSES:
        raise SuggestionRefused(
            _l("The status was not changed."), errors={"status": _l("Choose a status from the list.")}
        )
    if status == suggestion.status:
        return False
    suggestion.status = status
    db.session.add(
        SuggestionStatusChange(suggestion_id=suggestion.id, status=status, changed_by_id=user.id, changed_at=utcnow())
    )
    db.session.flush()
    return True
