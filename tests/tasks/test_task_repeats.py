"""Repeated tasks: the days they fall on, one task per day whoever runs the job and however often,
missed days skipped, the last day, people who can no longer be kept, and the form's refusals."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from jobs.tasks import make_repeated_tasks
from models.tasks.task import Task, TaskRecurrence
from services.tasks import operations as tasks
from services.tasks import repeats
from tests.conftest import csrf_token
from tests.factories.clients import make_clients_office
from tests.factories.tasks import set_task
from tests.view_helpers import sign_in


@pytest.fixture
def team():
    return make_clients_office()


def tasks_of(recurrence):
    db.session.expire_all()
    return db.session.scalars(select(Task).where(Task.recurrence_id == recurrence.id).order_by(Task.occurs_on)).all()


def repeated(team, repeat, deadline, until=None):
    """The supervisor's task to his employee, due at `deadline` (UTC), repeated."""
    task = set_task(team["supervisor"], team["employee"], title="Daily report", deadline=deadline, commit=False)
    recurrence = repeats.start(task, repeat, until, team["supervisor"])
    db.session.commit()
    return recurrence


@pytest.mark.parametrize(
    ("repeat", "first_on", "after", "expected"),
    [
        ("daily", date(2027, 1, 4), date(2027, 1, 4), date(2027, 1, 5)),
        ("weekly", date(2027, 1, 4), date(2027, 1, 4), date(2027, 1, 11)),
        ("weekly", date(2027, 1, 4), date(2027, 1, 7), date(2027, 1, 11)),
        ("monthly", date(2027, 1, 31), date(2027, 1, 31), date(2027, 2, 28)),
        ("monthly", date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)),
        ("monthly", date(2027, 1, 15), date(2027, 1, 20), date(2027, 2, 15)),
        ("monthly", date(2027, 1, 15), date(2027, 2, 3), date(2027, 2, 15)),
        ("monthly", date(2026, 12, 10), date(2026, 12, 10), date(2027, 1, 10)),
    ],
)
def test_the_days_a_repetition_falls_on(repeat, first_on, after, expected):
    assert repeats.next_day(repeat, first_on, after) == expected


def test_each_day_s_task_is_made_once_at_the_author_s_local_time(team):
    # 09:30 in Kyiv (UTC+2 in January) is 07:30 UTC
    recurrence = repeated(team, "daily", datetime(2027, 1, 4, 7, 30))
    assert [t.occurs_on for t in tasks_of(recurrence)] == [date(2027, 1, 4)]
    assert make_repeated_tasks(now=datetime(2027, 1, 4, 21, 0)) == 0  # the 5th has not begun in Kyiv
    assert make_repeated_tasks(now=datetime(2027, 1, 4, 22, 30)) == 1  # 00:30 on the 5th in Kyiv
    assert make_repeated_tasks(now=datetime(2027, 1, 4, 23, 0)) == 0  # run again: nothing new
    made = tasks_of(recurrence)
    assert [(t.occurs_on, t.deadline) for t in made] == [
        (date(2027, 1, 4), datetime(2027, 1, 4, 7, 30)),
        (date(2027, 1, 5), datetime(2027, 1, 5, 7, 30)),
    ]
    assert made[1].author_id == team["supervisor"].id and made[1].assignee_id == team["employee"].id


def test_a_task_another_scheduler_made_is_not_made_again(team):
    recurrence = repeated(team, "daily", datetime(2027, 1, 4, 7, 30))
    other = Task(title="Daily report", author_id=team["supervisor"].id, assignee_id=team["employee"].id,
                 deadline=datetime(2027, 1, 5, 7, 30), recurrence_id=recurrence.id, occurs_on=date(2027, 1, 5))  # fmt: skip
    db.session.add(other)
    db.session.commit()
    assert make_repeated_tasks(now=datetime(2027, 1, 5, 6, 0)) == 0
    assert len(tasks_of(recurrence)) == 2
    assert db.session.get(TaskRecurrence, recurrence.id).next_on == date(2027, 1, 6)


def test_missed_days_are_skipped_and_the_last_day_ends_it(team):
    recurrence = repeated(team, "daily", datetime(2027, 1, 4, 7, 30), until=date(2027, 1, 10))
    assert make_repeated_tasks(now=datetime(2027, 1, 8, 6, 0)) == 1
    assert [t.occurs_on for t in tasks_of(recurrence)] == [date(2027, 1, 4), date(2027, 1, 8)]
    assert make_repeated_tasks(now=datetime(2027, 1, 12, 6, 0)) == 0
    assert db.session.get(TaskRecurrence, recurrence.id).active is False


def test_a_repetition_stops_when_its_person_can_no_longer_be_kept(team):
    recurrence = repeated(team, "weekly", datetime(2027, 1, 4, 7, 30))
    team["employee"].is_blocked = True
    db.session.commit()
    assert make_repeated_tasks(now=datetime(2027, 1, 11, 6, 0)) == 0
    assert db.session.get(TaskRecurrence, recurrence.id).active is False


def test_only_the_author_stops_it(team):
    recurrence = repeated(team, "monthly", datetime(2027, 1, 4, 7, 30))
    with pytest.raises(tasks.TaskError) as refused:
        repeats.stop(recurrence, team["employee"])
    assert refused.value.status == 403
    db.session.rollback()
    repeats.stop(db.session.get(TaskRecurrence, recurrence.id), team["supervisor"])
    db.session.commit()
    assert make_repeated_tasks(now=datetime(2027, 2, 4, 6, 0)) == 0


def form(token, **extra):
    deadline = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    values = {"csrf_token": token, "title": "Weekly plan", "assignee_id": "", "deadline": deadline}
    values.update(extra)
    return values


def test_the_form_makes_a_repetition_and_refuses_a_bad_last_day(app, team):
    browser = sign_in(app, team["supervisor"])
    token = csrf_token(browser, "/admin/tasks/new/")
    employee = str(team["employee"].id)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    refused = browser.post("/admin/tasks/new/", data=form(token, assignee_id=employee, repeat="weekly",
                                                          repeat_until=yesterday))  # fmt: skip
    assert refused.status_code == 400 and "The last day comes after the first task" in refused.text
    unknown = browser.post("/admin/tasks/new/", data=form(token, assignee_id=employee, repeat="hourly"))
    assert unknown.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Task)) == 0
    made = browser.post("/admin/tasks/new/", data=form(token, assignee_id=employee, repeat="weekly"))
    assert made.status_code == 302
    (recurrence,) = db.session.scalars(select(TaskRecurrence)).all()
    assert (recurrence.repeat, recurrence.due_time, recurrence.timezone) == ("weekly", "09:00", "Europe/Kyiv")
    page = browser.get(made.headers["Location"])
    assert "Every week" in page.text and 'id="task-stop-repeat"' in page.text
    employee_page = sign_in(app, team["employee"]).get(made.headers["Location"])
    assert "Every week" in employee_page.text and 'id="task-stop-repeat"' not in employee_page.text
