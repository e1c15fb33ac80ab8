"""The demo's scenario: the employee writes to the head of department above her supervisor, the head
answers, and the employee reads the answer on the board; the demo's own suggestions are there."""

import pytest
from sqlalchemy import select

from extensions import db
from models.platform.user import User
from models.suggestions import Suggestion
from seeds.demo import DEMO_PASSWORD, load_demo
from tests.conftest import csrf_token
from tests.view_helpers import sign_in


@pytest.fixture
def demo():
    load_demo()
    return {user.username: user for user in db.session.scalars(select(User))}


def test_the_employee_writes_to_the_head_who_answers_on_the_board(app, demo):
    employee = sign_in(app, demo["employee"], password=DEMO_PASSWORD)
    form = employee.get("/admin/suggestions/new")
    assert f'value="user:{demo["depthead"].id}"' in form.text
    sent = employee.post(
        "/admin/suggestions/new",
        data={"addressee": f"user:{demo['depthead'].id}", "body": "A quiet room for calls.",
              "csrf_token": csrf_token(employee, "/admin/suggestions/new")},
    )  # fmt: skip
    assert sent.status_code == 302
    mine = db.session.scalars(select(Suggestion).where(Suggestion.body == "A quiet room for calls.")).one()
    head = sign_in(app, demo["depthead"], password=DEMO_PASSWORD)
    inbox = head.get("/admin/suggestions/?tab=inbox")
    assert "A quiet room for calls." in inbox.text and "Гарна ідея" in inbox.text
    reply = head.post(
        f"/admin/suggestions/{mine.id}/reply",
        data={"answer": "Room 3 is yours from Monday.", "status": "done",
              "csrf_token": csrf_token(head, "/admin/suggestions/?tab=inbox")},
    )  # fmt: skip
    assert reply.status_code == 302
    board = employee.get("/admin/suggestions/")
    assert "Room 3 is yours from Monday." in board.text and "Гарна ідея" in board.text
    assert "Співробітник" not in board.text.split('id="suggestion-', 1)[1]
