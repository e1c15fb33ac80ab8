"""Sending a suggestion to a leader up the tree or the administrator, the addressee's answer and
status, who sees what on the board, the daily limit and refused input."""

import pytest
from sqlalchemy import select

from extensions import db
from models.platform.notification import Notification
from models.suggestions import Suggestion, SuggestionStatusChange
from services.platform import notifications
from services.suggestions import addressees, daily_limit
from tests.conftest import csrf_token
from tests.factories.platform import make_user
from tests.factories.suggestions import make_suggestion
from tests.view_helpers import sign_in

NEW = "/admin/suggestions/new"


def send(client, addressee, body="More light in the office, please."):
    return client.post(NEW, data={"addressee": addressee, "body": body, "csrf_token": csrf_token(client, NEW)})


def test_the_author_may_address_every_leader_up_the_tree_and_the_administrator(app, office):
    choices = dict(addressees.choices_for(office["employee"].id))
    expected = {f"user:{office['supervisor'].id}", f"user:{office['depthead'].id}", "administrator"}
    assert set(choices) == expected
    page = sign_in(app, office["employee"]).get(NEW)
    assert page.status_code == 200 and "Daria Head" in page.text and "Petro Peer" not in page.text


def test_a_suggestion_to_the_head_reaches_her_inbox_and_her_bell_without_a_name(app, office):
    author = sign_in(app, office["employee"])
    response = send(author, f"user:{office['depthead'].id}")
    assert response.status_code == 302
    row = db.session.scalars(select(Suggestion)).one()
    assert (row.addressee_id, row.to_administrator, row.status) == (office["depthead"].id, False, "new")
    told = db.session.scalars(select(Notification)).all()
    assert [(item.user_id, item.kind, item.params) for item in told] == [
        (office["depthead"].id, "suggestions.received", {})
    ]
    assert "Yulia" not in notifications.sentence(told[0])
    head = sign_in(app, office["depthead"])
    inbox = head.get("/admin/suggestions/?tab=inbox")
    assert inbox.status_code == 200 and "More light in the office" in inbox.text
    assert "Yulia" not in inbox.text and "suggest-author" not in inbox.text


def test_the_head_answers_publicly_and_sets_statuses_kept_in_a_history(app, office):
    suggestion = make_suggestion(office["depthead"])
    head = sign_in(app, office["depthead"])
    url = f"/admin/suggestions/{suggestion.id}/reply"
    token = csrf_token(head, "/admin/suggestions/?tab=inbox")
    assert head.post(url, data={"answer": "Ordered one.", "status": "review", "csrf_token": token}).status_code == 302
    assert head.post(url, data={"answer": "Ordered one.", "status": "done", "csrf_token": token}).status_code == 302
    db.session.expire_all()
    row = db.session.get(Suggestion, suggestion.id)
    assert (row.answer, row.answered_by_id, row.status) == ("Ordered one.", office["depthead"].id, "done")
    history = db.session.scalars(select(SuggestionStatusChange).order_by(SuggestionStatusChange.id)).all()
    assert [(item.status, item.changed_by_id) for item in history] == [
        ("review", office["depthead"].id),
        ("done", office["depthead"].id),
    ]
    board = sign_in(app, office["employee"]).get("/admin/suggestions/")
    assert "Ordered one." in board.text and "Answer of Daria Head" in board.text
    assert "Ordered one." not in sign_in(app, office["peer"]).get("/admin/suggestions/").text


@pytest.mark.parametrize("who", ["supervisor", "employee", "peer", "admin"])
def test_nobody_but_the_addressee_answers_a_suggestion_to_a_person(app, office, who):
    suggestion = make_suggestion(office["depthead"])
    client = sign_in(app, office[who])
    token = csrf_token(client, "/admin/suggestions/")
    response = client.post(f"/admin/suggestions/{suggestion.id}/reply", data={"answer": "x", "csrf_token": token})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).answer is None


def test_a_suggestion_to_the_administrator_is_answered_by_him_and_seen_by_all_staff(app, office):
    author = sign_in(app, office["employee"])
    assert send(author, "administrator", "A second printer.").status_code == 302
    row = db.session.scalars(select(Suggestion)).one()
    assert row.to_administrator and row.addressee_id is None
    admin = sign_in(app, office["admin"])
    assert "A second printer." in admin.get("/admin/suggestions/?tab=inbox").text
    token = csrf_token(admin, "/admin/suggestions/?tab=inbox")
    reply = admin.post(
        f"/admin/suggestions/{row.id}/reply", data={"answer": "Done.", "status": "done", "csrf_token": token}
    )
    assert reply.status_code == 302
    assert "Done." in sign_in(app, office["peer"]).get("/admin/suggestions/").text
    assert "A second printer." not in sign_in(app, office["depthead"]).get("/admin/suggestions/?tab=inbox").text


@pytest.mark.parametrize(
    "addressee, body, field",
    [
        ("", "text", "addressee"),
        ("user:abc", "text", "addressee"),
        ("head", "   ", "body"),
        ("head", "x" * 4001, "body"),
    ],
)
def test_bad_input_is_a_4xx_and_sends_nothing(app, office, addressee, body, field):
    if addressee == "head":
        addressee = f"user:{office['depthead'].id}"
    response = send(sign_in(app, office["employee"]), addressee, body)
    assert response.status_code == 400 and "is-invalid" in response.text
    assert db.session.scalars(select(Suggestion)).all() == []


def test_a_person_outside_the_authors_line_cannot_be_addressed(app, office):
    response = send(sign_in(app, office["employee"]), f"user:{office['peer'].id}")
    assert response.status_code == 400
    assert db.session.scalars(select(Suggestion)).all() == []


def test_the_day_allows_a_few_and_then_refuses_with_429(app, office):
    author = sign_in(app, office["employee"])
    for _n in range(daily_limit.PER_DAY):
        assert send(author, f"user:{office['supervisor'].id}").status_code == 302
    refused = send(author, f"user:{office['supervisor'].id}")
    assert refused.status_code == 429
    assert len(db.session.scalars(select(Suggestion)).all()) == daily_limit.PER_DAY
    assert send(sign_in(app, office["supervisor"]), f"user:{office['depthead'].id}").status_code == 302


def test_the_board_pages_by_id_and_filters_by_status(app, office):
    for n in range(35):
        make_suggestion(office["depthead"], body=f"Idea number {n:02d}", status="done" if n % 2 else "new")
    client = sign_in(app, office["employee"])
    first = client.get("/admin/suggestions/")
    assert (
        "Idea number 34" in first.text and "Idea number 04" not in first.text and 'id="suggestions-next"' in first.text
    )
    done = client.get("/admin/suggestions/?status=done")
    assert "Idea number 33" in done.text and "Idea number 34" not in done.text
    empty = client.get("/admin/suggestions/?status=declined")
    assert 'id="suggestions-empty"' in empty.text


def test_a_leader_has_an_inbox_before_anyone_writes_and_a_person_with_nobody_below_has_none(app, office):
    head = sign_in(app, office["depthead"]).get("/admin/suggestions/?tab=inbox")
    assert head.status_code == 200 and 'id="suggestions-empty"' in head.text
    assert sign_in(app, office["employee"]).get("/admin/suggestions/?tab=inbox").status_code == 404


def test_an_administrator_writing_to_the_administrators_is_told_like_the_others(app, office):
    second = make_user(username="suggest-admin2", role_code="administrator", full_name="Alla Admin", language="en")
    author = sign_in(app, office["admin"])
    assert send(author, "administrator", "Quieter printers.").status_code == 302
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "suggestions.received")))
    assert told == {office["admin"].id, second.id}, "leaving the author out would name him"
