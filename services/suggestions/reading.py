"""Who reads which suggestions.

- The inbox: those addressed to me, and those to the administrator if I answer for him. Only these
  may be answered or given a status.
- The board: those addressed to any of my leaders up the tree, and those to the administrator (for
  whoever may send): the suggestions I could have sent myself, so the sender finds his own there
  among the others, with its status and the public answer.

Both are read newest first in pages of PAGE, before an id (keyset), optionally of one status."""

from sqlalchemy import false, or_, select

from extensions import db
from models.suggestions import Suggestion, SuggestionStatusChange
from services.platform import access, hierarchy
from services.suggestions.addressees import ADMINISTER

PAGE = 30


def inbox_clause(user):
    clauses = [Suggestion.addressee_id == user.id]
    if access.can(user, ADMINISTER):
        clauses.append(Suggestion.to_administrator.is_(True))
    return or_(*clauses)


def board_clause(user):
    leaders = sorted(hierarchy.leader_ids([user.id]) - {user.id})
    clauses = [Suggestion.addressee_id.in_(leaders)] if leaders else []
    if access.can(user, "suggestions.send"):
        clauses.append(Suggestion.to_administrator.is_(True))
    return or_(*clauses) if clauses else false()


def page(clause, status=None, before=None, limit=PAGE):
    """(suggestions, the id to page on before or None): up to `limit`, newest first."""
    query = select(Suggestion).where(clause)
    if status:
        query = query.where(Suggestion.status == status)
    if before is not None:
        query = query.where(Suggestion.id < before)
    rows = db.session.scalars(query.order_by(Suggestion.id.desc()).limit(limit + 1)).unique().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def answerable(user, suggestion_id):
    """The suggestion of this id in his inbox, or None (outside it: as if it did not exist)."""
    return (
        db.session.scalars(select(Suggestion).where(Suggestion.id == suggestion_id, inbox_clause(user)))
        .unique()
        .one_or_none()
    )


def has_inbox(user):
    """Whether anyone may write to him: he answers for the administrator, has people below him in the
    tree, or was written to before he lost them (a row or two read at most)."""
    if access.can(user, ADMINISTER):
        return True
    below = hierarchy.subordinate_ids(user.id).limit(1)
    if db.session.scalar(below) is not None:
        return True
    return db.session.scalar(select(Suggestion.id).where(Suggestion.addressee_id == user.id).limit(1)) is not None


def histories(suggestion_ids):
    """{suggestion id: [status changes, oldest first]} of these suggestions, in one query."""
    if not suggestion_ids:
        return {}
    found = {}
    rows = db.session.scalars(
        select(SuggestionStatusChange)
        .where(SuggestionStatusChange.suggestion_id.in_(sorted(suggestion_ids)))
        .order_by(SuggestionStatusChange.id)
    ).unique()
    for row in rows:
        found.setdefault(row.suggestion_id, []).append(row)
    return found
