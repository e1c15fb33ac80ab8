"""The notification centre: a task set to someone and an adjustment of his salary notify him (not
the one who acted), only once the change commits; his bell counts them live; opening one marks it
read and goes only to a page of this site; each person chooses per kind, and the daily digest mails
what he asked for once."""

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from extensions import db
from jobs import platform as platform_jobs
from models.platform.mail import OutboxMessage
from models.platform.notification import Notification
from services.platform import notifications
from services.salary import adjustments, periods
from services.tasks import operations as tasks
from tests.conftest import csrf_token
from tests.factories.clients import make_clients_office
from tests.realtime.socket_client import Sockets
from tests.view_helpers import EnglishRequestClient, signed_in


def _set(by, title, to):
    return tasks.create(by, title=title, assignee_id=str(to.id), deadline=datetime(2030, 1, 10, 12))


def _count():
    return db.session.scalar(select(func.count()).select_from(Notification))


@pytest.fixture
def sockets(app):
    opened = Sockets(app)
    yield opened
    opened.close_all()


def test_a_task_set_rings_the_assignees_bell_after_the_commit_only(app, login_as, sockets):
    team = make_clients_office()
    heard = sockets(signed_in(app, login_as, team["employee"]))
    heard.sio.get_received()
    _set(team["supervisor"], "Call Anna back", team["employee"])
    db.session.rollback()
    assert _count() == 0 and heard.events("notifications") == []
    task = _set(team["supervisor"], "Call Anna back", team["employee"])
    db.session.commit()
    assert heard.events("notifications") == [{"unread": 1, "sections": {"/admin/tasks/": 1}}]
    (item,) = db.session.scalars(select(Notification)).all()
    assert (item.user_id, item.link) == (team["employee"].id, f"/admin/tasks/{task.id}/")
    with force_locale("en"):
        assert notifications.sentence(item) == "Sofia Supervisor set you a task: Call Anna back"
    _set(team["employee"], "For myself", team["employee"])
    db.session.commit()
    assert _count() == 1  # one's own task rings nothing


def test_the_bell_the_list_and_opening_a_notification(app, login_as):
    team = make_clients_office()
    _set(team["supervisor"], "Call Anna back", team["employee"])
    _set(team["supervisor"], "Send the contract", team["employee"])
    db.session.commit()
    web = login_as(team["employee"], client=EnglishRequestClient(app, app.response_class, use_cookies=True))
    page = web.get("/admin/notifications/")
    assert page.status_code == 200 and 'id="bell-count">2<' in page.text
    assert 'data-sections="{&#34;/admin/tasks/&#34;: 2}"' in page.text  # the Tasks menu item's badge
    assert "set you a task: Send the contract" in page.text
    first = db.session.scalars(select(Notification).order_by(Notification.id)).first()
    opened = web.get(f"/admin/notifications/{first.id}/open")
    assert opened.status_code == 302 and opened.location.endswith(first.link)
    assert 'id="bell-count">1<' in web.get("/admin/notifications/").text
    peer = login_as(team["peer"], client=EnglishRequestClient(app, app.response_class, use_cookies=True))
    assert peer.get(f"/admin/notifications/{first.id}/open").status_code == 404
    first.link = "//elsewhere.example/x"
    db.session.commit()
    assert web.get(f"/admin/notifications/{first.id}/open").location.endswith("/admin/notifications/")
    assert web.post("/admin/notifications/read", data={"csrf_token": csrf_token(web, "/admin/notifications/"),
                                                       "all": "1"}).status_code == 302  # fmt: skip
    assert notifications.unread_count(team["employee"].id) == 0


def test_choices_per_kind_and_the_daily_digest(app, login_as):
    team = make_clients_office()
    web = login_as(team["employee"], client=EnglishRequestClient(app, app.response_class, use_cookies=True))
    token = csrf_token(web, "/admin/notifications/")
    assert web.post("/admin/notifications/settings", data={"csrf_token": token, "tasks.assigned.email": "y",
                                                           "salary.adjusted.in_app": "y"}).status_code == 302  # fmt: skip
    team["employee"].email = "eva@example.com"
    _set(team["supervisor"], "Call Anna back", team["employee"])
    db.session.commit()
    (item,) = db.session.scalars(select(Notification)).all()
    assert (item.in_app, item.email) == (False, True)  # mailed, not rung
    assert notifications.unread_count(team["employee"].id) == 0
    assert platform_jobs.mail_notification_digests() == 1
    (mailed,) = db.session.scalars(select(OutboxMessage)).all()
    assert "eva@example.com" in mailed.recipients and "Call Anna back" in mailed.body
    assert platform_jobs.mail_notification_digests() == 0  # once


def test_a_salary_adjustment_notifies_the_person():
    team = make_clients_office()
    period = periods.ensure(date.today())
    adjustments.adjust(team["supervisor"], team["employee"].id, period, "bonus", "700", "results", "Great month")
    db.session.commit()
    (item,) = db.session.scalars(select(Notification)).all()
    assert item.user_id == team["employee"].id
    with force_locale("en"):
        assert notifications.sentence(item) == "Sofia Supervisor adjusted your salary by +700.00: Great month"
