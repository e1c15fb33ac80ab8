"""Factories of the suggestions: an office with a chain of leaders, an administrator, and a
suggestion written straight into the table."""

from extensions import db
from models.base import utcnow
from models.suggestions import Suggestion
from tests.factories.platform import make_office, make_user, place


def make_suggestions_office(author_id=None):
    """A head of department over a supervisor over an employee; a peer supervisor beside the head's
    line; an administrator (Part A role) outside the tree. Everyone reads English. `author_id`: the
    employee's id, when a test needs one that no other number on the page could be mistaken for."""
    office = make_office()
    people = {
        "admin": make_user(username="suggest-admin", role_code="administrator", full_name="Adam Admin", language="en"),
        "depthead": make_user(username="suggest-head", full_name="Daria Head", language="en"),
        "supervisor": make_user(username="suggest-super", full_name="Sofia Supervisor", language="en"),
        "employee": make_user(
            username="suggest-author",
            full_name="Yulia Writer",
            language="en",
            **({"id": author_id} if author_id else {}),
        ),
        "peer": make_user(username="suggest-peer", full_name="Petro Peer", language="en"),
    }
    head = place(people["depthead"], office, "head_of_department")
    lead = place(people["supervisor"], office, "supervisor", boss=head)
    place(people["employee"], office, "employee", boss=lead)
    place(people["peer"], office, "supervisor")
    return {**people, "office": office}


def make_suggestion(addressee=None, body="Let us have a water cooler.", status="new", answer=None, by=None):
    suggestion = Suggestion(
        addressee_id=addressee.id if addressee else None,
        to_administrator=addressee is None,
        body=body,
        status=status,
        sent_on=utcnow().date(),
        answer=answer,
        answered_by_id=by.id if (answer and by) else None,
        answered_at=utcnow() if answer else None,
    )
    db.session.add(suggestion)
    db.session.commit()
    return suggestion
