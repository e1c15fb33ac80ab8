"""A task's watchers and files: who may add whom, what a watcher sees and hears, the documents'
rules for files, and every refusal changing nothing — through the services and over HTTP."""

import io

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import func, select

from extensions import db
from models.platform.notification import Notification
from models.tasks.task import TaskAttachment, TaskWatcher
from services.platform import notifications
from services.tasks import attachments, followers
from services.tasks import operations as tasks
from tests.conftest import csrf_token
from tests.factories.clients import make_clients_office
from tests.factories.tasks import set_task
from tests.view_helpers import sign_in


@pytest.fixture
def team():
    return make_clients_office()


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def kinds_of(user):
    db.session.expire_all()
    return [item.kind for item in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_author_adds_watchers_from_his_scope_and_they_see_and_hear_the_task(team):
    task = set_task(team["supervisor"], team["employee"])
    offered = [name for _id, name in followers.candidates(team["supervisor"], task)]
    assert offered == ["Emil Employee"]  # his people not yet in the task; never the peer team
    assert tasks.get_visible(team["employee2"], task.id) is None
    followers.add(task, str(team["employee2"].id), team["supervisor"])
    db.session.commit()
    assert tasks.get_visible(team["employee2"], task.id) is not None
    assert kinds_of(team["employee2"]) == ["tasks.watching"]

    tasks.comment(task, team["employee2"], "I will help")
    db.session.commit()
    assert "tasks.commented" in kinds_of(team["supervisor"]) and "tasks.commented" in kinds_of(team["employee"])
    assert "tasks.commented" not in kinds_of(team["employee2"])  # not for one's own comment

    tasks.set_status(task, "in_work", team["employee"], task.version)
    db.session.commit()
    (said,) = db.session.scalars(select(Notification).where(Notification.user_id == team["employee2"].id,
                                                            Notification.kind == "tasks.status"))  # fmt: skip
    with force_locale("en"):
        assert notifications.sentence(said) == "Eva Employee moved the task «Call the bank» to «In work»"

    followers.remove(task, str(team["employee2"].id), team["employee2"])  # he leaves
    db.session.commit()
    assert tasks.get_visible(team["employee2"], task.id) is None


def test_an_employee_may_ask_his_leader_to_follow_but_nobody_from_another_team(team):
    task = set_task(team["employee"], team["employee"], title="Mine")
    assert [name for _id, name in followers.candidates(team["employee"], task)] == ["Sofia Supervisor"]
    for outsider in ("peer", "intern", "employee2", "owner"):
        with pytest.raises(tasks.TaskError) as refused:
            followers.add(task, str(team[outsider].id), team["employee"])
        assert refused.value.status == 400 and "user_id" in refused.value.errors
        db.session.rollback()
    assert count(TaskWatcher) == 0


def test_a_watcher_does_not_add_watchers_nor_take_others_off(team):
    task = set_task(team["supervisor"], team["employee"])
    followers.add(task, str(team["employee2"].id), team["supervisor"])
    db.session.commit()
    with pytest.raises(tasks.TaskError) as refused:
        followers.add(task, str(team["supervisor"].id), team["employee2"])
    assert refused.value.status == 403
    db.session.rollback()
    with pytest.raises(tasks.TaskError) as refused:
        followers.remove(task, str(team["employee2"].id), team["employee"])  # the responsible is not the author
    assert refused.value.status == 403
    db.session.rollback()
    assert count(TaskWatcher) == 1


def test_watchers_over_http_refuse_outsiders_and_hide_the_task(app, team):
    task = set_task(team["supervisor"], team["employee"])
    author = sign_in(app, team["supervisor"])
    token = csrf_token(author, f"/admin/tasks/{task.id}/")
    refused = author.post(f"/admin/tasks/{task.id}/watchers", data={"csrf_token": token, "user_id": team["peer"].id})
    assert refused.status_code == 400 and "You may not add this person." in refused.text
    assert count(TaskWatcher) == 0
    added = author.post(f"/admin/tasks/{task.id}/watchers", data={"csrf_token": token, "user_id": team["employee2"].id})
    assert added.status_code == 302 and count(TaskWatcher) == 1
    peer = sign_in(app, team["peer"])
    peer_token = csrf_token(peer)
    for path in (f"/admin/tasks/{task.id}/", f"/admin/tasks/{task.id}/watchers"):
        response = peer.post(path, data={"csrf_token": peer_token, "user_id": team["peer"].id}) if path.endswith(
            "watchers") else peer.get(path)  # fmt: skip
        assert response.status_code == 404, path
    assert count(TaskWatcher) == 1
    page = author.get(f"/admin/tasks/{task.id}/")
    assert "Emil Employee" in page.text and 'id="watcher-form"' not in page.text  # nobody left to offer


def test_files_by_the_documents_rules(app, team):
    task = set_task(team["supervisor"], team["employee"])
    employee = sign_in(app, team["employee"])
    token = csrf_token(employee, f"/admin/tasks/{task.id}/")
    url = f"/admin/tasks/{task.id}/files"
    wrong = employee.post(url, data={"csrf_token": token, "file": (io.BytesIO(b"MZ just a program"), "report.png")})
    assert wrong.status_code == 400 and count(TaskAttachment) == 0
    empty = employee.post(url, data={"csrf_token": token})
    assert empty.status_code == 400 and "Choose a file." in empty.text
    added = employee.post(url, data={"csrf_token": token, "file": (io.BytesIO(png_bytes()), "../../etc/photo.png")})
    assert added.status_code == 302
    (item,) = attachments.of_task(task)
    assert item.file.original_name == "photo.png" and item.file.content_type == "image/png"

    leader = sign_in(app, team["supervisor"])  # the author, and the employee's leader
    download = leader.get(f"/admin/tasks/files/{item.id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    peer = sign_in(app, team["peer"])
    assert peer.get(f"/admin/tasks/files/{item.id}").status_code == 404
    peer_token = csrf_token(peer)
    assert peer.post(f"/admin/tasks/files/{item.id}/delete", data={"csrf_token": peer_token}).status_code == 404
    assert (
        peer.post(url, data={"csrf_token": peer_token, "file": (io.BytesIO(png_bytes()), "x.png")}).status_code == 404
    )

    followers.add(task, str(team["employee2"].id), team["supervisor"])
    db.session.commit()
    watcher = sign_in(app, team["employee2"])
    refused = watcher.post(f"/admin/tasks/files/{item.id}/delete", data={"csrf_token": csrf_token(watcher)})
    assert refused.status_code == 403 and len(attachments.of_task(task)) == 1
    deleted = leader.post(f"/admin/tasks/files/{item.id}/delete", data={"csrf_token": csrf_token(leader)})
    assert deleted.status_code == 302
    db.session.expire_all()
    assert attachments.of_task(task) == [] and count(TaskAttachment) == 1  # kept, deleted softly
    assert employee.get(f"/admin/tasks/files/{item.id}").status_code == 404


def test_the_team_and_following_tabs(app, team):
    own = set_task(team["employee"], team["employee"], title="Her own errand")
    theirs = set_task(team["peer"], team["intern"], title="Another team's errand")
    leader = sign_in(app, team["supervisor"])
    page = leader.get("/admin/tasks/?tab=team")
    assert page.status_code == 200
    assert f'data-task-id="{own.id}"' in page.text and f'data-task-id="{theirs.id}"' not in page.text
    employee = sign_in(app, team["employee"])
    assert employee.get("/admin/tasks/?tab=team").status_code == 403
    assert 'id="tasks-tab-team"' not in employee.get("/admin/tasks/").text
    assert f'data-task-id="{own.id}"' not in sign_in(app, team["employee2"]).get("/admin/tasks/?tab=watching").text
    task = set_task(team["supervisor"], team["employee"], title="Followed")
    followers.add(task, str(team["employee2"].id), team["supervisor"])
    db.session.commit()
    following = sign_in(app, team["employee2"]).get("/admin/tasks/?tab=watching")
    assert f'data-task-id="{task.id}"' in following.text and f'data-task-id="{own.id}"' not in following.text
