"""A task about a client: only one of the author's clients, shown on the task page as a link for
those who see him and as a name for the others."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from extensions import db
from models.tasks.task import Task
from services.tasks import operations as tasks
from tests.factories.clients import make_client, make_clients_office
from tests.factories.tasks import set_task
from tests.view_helpers import sign_in


@pytest.fixture
def team():
    return make_clients_office()


def test_a_task_is_about_one_of_the_author_s_clients_only(app, team):
    mine = make_client(team["employee"], office_id=team["office"].id, full_name="Anna Kovalenko")
    theirs = make_client(team["intern"], office_id=team["office"].id, full_name="Oleh Other")
    with pytest.raises(tasks.TaskError) as refused:
        set_task(team["supervisor"], team["employee"], client_id=str(theirs.id))
    with force_locale("en"):
        assert {name: str(text) for name, text in refused.value.errors.items()} == {
            "client": "No such client among yours."
        }
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Task)) == 0
    assert tasks.subject_choices(team["supervisor"], tasks.CLIENT, "Kovalenko") == [(mine.id, "Anna Kovalenko")]
    assert tasks.subject_choices(team["supervisor"], tasks.CLIENT, "Other") == []

    task = set_task(team["supervisor"], team["employee"], client_id=str(mine.id))
    page = sign_in(app, team["employee"]).get(f"/admin/tasks/{task.id}/")
    assert f'href="/admin/clients/{mine.id}/" id="task-client">Anna Kovalenko' in page.text
    choices = sign_in(app, team["supervisor"]).get("/admin/tasks/clients?query=Kovalenko")
    assert choices.json == [[mine.id, "Anna Kovalenko"]]
