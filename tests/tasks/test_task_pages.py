"""The tasks section over HTTP: tabs and their access, colours, filters, the create form, the task
page (status, comments), IDOR, CSRF, and the auto-tasks tab."""

import html
import re
from datetime import datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from models.base import utcnow
from models.tasks.task import Task, TaskComment
from services.tasks import lists as task_lists
from services.tasks import operations as tasks
from tests.conftest import csrf_token
from tests.factories.cards import card_number, make_card, shown_number, stage_of, tasks_of, walk_to
from tests.factories.platform import make_office, make_user, place
from tests.view_helpers import fresh, new_client, post_form, sign_in


@pytest.fixture
def team():
    office = make_office()
    people = {
        "owner": make_user(role_code="owner", full_name="Olena Owner", language="en"),
        "manager": make_user(role_code="manager", full_name="Mykola Manager", language="en"),
        "agent": make_user(role_code="agent", full_name="Anna Agent", language="en"),
        "manager2": make_user(role_code="manager", full_name="Marko Other", language="en"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Theirs", language="en"),
    }
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    boss2 = place(people["manager2"], office, "head_of_department")
    place(people["agent2"], office, "employee", boss=boss2)
    return people


@pytest.fixture
def client_of(app, team):
    return lambda name: sign_in(app, team[name])


def new_task(by, to, title="Call the bank", deadline=None):
    task = tasks.create(
        by, title=title, description="", assignee_id=to.id, deadline=deadline or utcnow() + timedelta(days=1)
    )
    db.session.commit()
    return task


def task_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Task))


def row_class(page, task):
    match = re.search(rf'<tr class="([^"]*)" data-task-id="{task.id}"', page.text)
    assert match, f"no row of task {task.id}"
    return match.group(1).split()


# --- tabs and colours --------------------------------------------------------------------------------


def test_incoming_is_the_default_tab_with_coloured_rows(client_of, team):
    now = utcnow()
    made = {
        "new": new_task(team["manager"], team["agent"], "Fresh one"),
        "overdue": new_task(team["manager"], team["agent"], "Late one", deadline=now - timedelta(hours=2)),
        "in_work": new_task(team["manager"], team["agent"], "Busy one"),
        "done": new_task(team["manager"], team["agent"], "Done one"),
    }
    for name, steps in (("in_work", ["in_work"]), ("done", ["in_work", "done"])):
        for step in steps:
            tasks.set_status(made[name], step, team["agent"], made[name].version)
            db.session.commit()
    other = new_task(team["manager2"], team["agent2"], "Not for you")
    page = client_of("agent").get("/admin/tasks/")
    assert page.status_code == 200
    assert other.title not in page.text
    assert "table-danger" in row_class(page, made["overdue"])
    assert "table-warning" in row_class(page, made["in_work"])
    assert "table-success" in row_class(page, made["done"])
    assert row_class(page, made["new"]) == ["task-row", "task-state-new"]
    assert 'id="tasks-tab-all"' not in page.text and 'id="tasks-tab-auto"' in page.text
    assert "<script>" not in page.text


def test_outgoing_lists_what_i_set(client_of, team):
    given = new_task(team["manager"], team["agent"], "Given by the boss")
    page = client_of("manager").get("/admin/tasks/?tab=outgoing")
    assert page.status_code == 200 and "Given by the boss" in page.text
    assert "Given by the boss" not in client_of("agent").get("/admin/tasks/?tab=outgoing").text
    assert given.title in client_of("agent").get("/admin/tasks/?tab=incoming").text


@pytest.mark.parametrize("tab", ["incoming", "outgoing", "auto"])
def test_each_tab_offers_the_export_of_its_own_list(client_of, tab):
    url = "/admin/tasks/auto/" if tab == "auto" else f"/admin/tasks/?tab={tab}"
    page = client_of("manager").get(url)
    assert page.status_code == 200
    assert f'name="list" value="tasks.{tab}"' in page.text


def test_only_the_owner_opens_the_all_tab(client_of, team):
    new_task(team["manager2"], team["agent2"], "Somebody's task")
    owner = client_of("owner").get("/admin/tasks/?tab=all")
    assert owner.status_code == 200 and "Somebody&#39;s task" in owner.text and 'id="tasks-tab-all"' in owner.text
    for name in ("manager", "agent"):
        response = client_of(name).get("/admin/tasks/?tab=all")
        assert response.status_code == 403 and "Somebody" not in response.text


def test_filters_over_http_and_bad_ones_are_a_400(client_of, team):
    new_task(team["manager"], team["agent"], "Late one", deadline=utcnow() - timedelta(hours=2))
    new_task(team["agent"], team["agent"], "On time")
    agent = client_of("agent")
    page = agent.get("/admin/tasks/", query_string={"overdue": "1"})
    assert "Late one" in page.text and "On time" not in page.text
    page = agent.get("/admin/tasks/", query_string={"author": str(team["agent"].id)})
    assert "On time" in page.text and "Late one" not in page.text
    for args in ({"from": "yesterday"}, {"author": "²"}, {"status": "lost"}, {"before": "9" * 40}, {"tab": "nope"}):
        assert agent.get("/admin/tasks/", query_string=args).status_code == 400, args


def test_pages_link_to_the_next_by_keyset(client_of, team, monkeypatch):
    monkeypatch.setattr(tasks, "PAGE_SIZE", 2)
    monkeypatch.setattr(task_lists.task_page, "__defaults__", (2,))
    made = [new_task(team["agent"], team["agent"], f"Task number {i}") for i in range(3)]
    agent = client_of("agent")
    page = agent.get("/admin/tasks/")
    assert "Task number 2" in page.text and "Task number 0" not in page.text
    link = re.search(r'href="([^"]+)" id="tasks-next"', page.text).group(1).replace("&amp;", "&")
    assert f"before={made[1].id}" in link
    second = agent.get(link)
    assert (
        "Task number 0" in second.text and "Task number 2" not in second.text and 'id="tasks-next"' not in second.text
    )


# --- create --------------------------------------------------------------------------------------------


def _create(client, **fields):
    data = {"title": "Ring the client", "description": "", "deadline": "2026-03-10T12:00", "card_id": ""}
    data.update(fields)
    return post_form(client, "/admin/tasks/new/", form_page="/admin/tasks/new/", **data)


def test_the_form_offers_only_assignable_people(client_of, team):
    page = client_of("manager").get("/admin/tasks/new/")
    assert page.status_code == 200
    assert "Anna Agent" in page.text and "Bohdan Theirs" not in page.text
    assert 'type="datetime-local"' in page.text


def test_a_task_is_created_with_the_deadline_in_the_users_zone(client_of, team):
    response = _create(client_of("manager"), assignee_id=str(team["agent"].id))
    assert response.status_code == 302
    task = db.session.scalars(select(Task)).one()
    # 12:00 in Kyiv on 10 March (UTC+2) is 10:00 UTC.
    assert (task.title, task.deadline, task.author_id) == (
        "Ring the client",
        datetime(2026, 3, 10, 10, 0),
        team["manager"].id,
    )
    assert response.headers["Location"].endswith(f"/admin/tasks/{task.id}/")


@pytest.mark.parametrize(
    "fields",
    [
        {"assignee": "agent2"},  # another team
        {"assignee": "manager2"},
        {"assignee": "agent", "title": "   "},
        {"assignee": "agent", "deadline": "someday"},
        {"assignee": "agent", "card_id": "NOT-A-CARD"},
        {"assignee": "agent", "card_id": "99999"},
        {"assignee": "agent", "assignee_id": "²"},
    ],
)
def test_bad_input_gives_a_form_error_and_saves_nothing(client_of, team, fields):
    fields = dict(fields)
    fields.setdefault("assignee_id", str(team[fields.pop("assignee")].id))
    response = _create(client_of("manager"), **fields)
    assert response.status_code == 400
    assert "invalid-feedback" in response.text
    assert task_count() == 0


def test_a_post_without_the_csrf_token_is_400(client_of, team):
    task = new_task(team["manager"], team["agent"])
    agent = client_of("agent")
    data = {"title": "x", "assignee_id": str(team["agent"].id), "deadline": "2026-03-10T12:00"}
    assert agent.post("/admin/tasks/new/", data=data).status_code == 400
    assert agent.post(f"/admin/tasks/{task.id}/status", data={"status": "in_work", "version": "1"}).status_code == 400
    assert agent.post(f"/admin/tasks/{task.id}/comment", data={"body": "hi"}).status_code == 400
    assert task_count() == 1 and fresh(Task, task.id).status == "new"


# --- the task page ----------------------------------------------------------------------------------------


def test_the_responsible_works_the_task_through_its_page(client_of, team):
    task = new_task(team["manager"], team["agent"])
    agent = client_of("agent")
    page = agent.get(f"/admin/tasks/{task.id}/")
    assert page.status_code == 200 and 'id="task-to-in_work"' in page.text and 'id="task-to-done"' not in page.text
    url = f"/admin/tasks/{task.id}/status"
    response = post_form(agent, url, form_page=f"/admin/tasks/{task.id}/", status="in_work", version="1")
    assert response.status_code == 302 and fresh(Task, task.id).status == "in_work"
    stale = post_form(agent, url, form_page=f"/admin/tasks/{task.id}/", status="done", version="1")
    assert stale.status_code == 409 and fresh(Task, task.id).status == "in_work"
    author = client_of("manager")
    refused = post_form(author, url, form_page=f"/admin/tasks/{task.id}/", status="done", version="2")
    assert refused.status_code == 403 and fresh(Task, task.id).status == "in_work"
    done = post_form(agent, url, form_page=f"/admin/tasks/{task.id}/", status="done", version="2")
    assert done.status_code == 302 and fresh(Task, task.id).status == "done"
    page = agent.get(f"/admin/tasks/{task.id}/")
    history = page.text[page.text.index("record-history") :]
    assert "table-success" in page.text and "In work" in history and "in_work" not in history  # in words


def test_comments_on_the_task_page(client_of, team):
    task = new_task(team["manager"], team["agent"])
    manager = client_of("manager")  # the author's leader sees and comments too
    url = f"/admin/tasks/{task.id}/comment"
    assert post_form(manager, url, form_page=f"/admin/tasks/{task.id}/", body="Please <b>hurry</b>").status_code == 302
    assert post_form(manager, url, form_page=f"/admin/tasks/{task.id}/", body="   ").status_code == 400
    page = client_of("agent").get(f"/admin/tasks/{task.id}/")
    assert str(escape("Please <b>hurry</b>")) in page.text
    assert db.session.scalar(select(func.count()).select_from(TaskComment)) == 1


def test_someone_outside_the_tasks_scope_gets_404(client_of, team):
    task = new_task(team["manager"], team["agent"], "Secret errand")
    outsider = client_of("agent2")
    for url in (f"/admin/tasks/{task.id}/", f"/admin/tasks/{task.id}/edit/", "/admin/tasks/99999999/"):
        response = outsider.get(url)
        assert response.status_code == 404 and "Secret errand" not in response.text
    form_page = "/admin/tasks/"
    assert (
        post_form(outsider, f"/admin/tasks/{task.id}/status", form_page, status="cancelled", version="1").status_code
        == 404
    )
    assert post_form(outsider, f"/admin/tasks/{task.id}/comment", form_page, body="boo").status_code == 404
    assert fresh(Task, task.id).status == "new"
    assert client_of("owner").get(f"/admin/tasks/{task.id}/").status_code == 200


def test_the_author_edits_the_responsible_does_not(client_of, team):
    task = new_task(team["manager"], team["agent"])
    assert client_of("agent").get(f"/admin/tasks/{task.id}/edit/").status_code == 403
    manager = client_of("manager")
    page = manager.get(f"/admin/tasks/{task.id}/edit/")
    assert page.status_code == 200
    response = post_form(
        manager,
        f"/admin/tasks/{task.id}/edit/",
        form_page=f"/admin/tasks/{task.id}/edit/",
        title="Renamed",
        assignee_id=str(team["manager"].id),
        deadline="2026-03-10T12:00",
        version="1",
    )
    assert response.status_code == 302
    assert (fresh(Task, task.id).title, fresh(Task, task.id).assignee_id) == ("Renamed", team["manager"].id)


# --- auto-tasks --------------------------------------------------------------------------------------------


@pytest.fixture
def walked(team):
    mine = make_card(agent=team["agent"], manager=team["manager"], accountant=team["owner"], number=card_number(2036))
    theirs = make_card(agent=team["agent2"], manager=team["manager2"], number=card_number(2038))
    walk_to(mine, "take_access", team["owner"])
    return {"mine": mine, "theirs": theirs}


def test_the_cards_table_opens_the_auto_tasks_of_that_card(client_of, team, walked):
    card = walked["mine"]
    cards_page = client_of("agent").get("/admin/cards/?tab=in_work")
    link = f'href="/admin/tasks/auto/?card={card.id}"'
    assert link in cards_page.text
    page = client_of("agent").get(f"/admin/tasks/auto/?card={card.id}")
    assert page.status_code == 200 and shown_number(2036) in page.text and shown_number(2038) not in page.text
    table = page.text[page.text.index('id="auto-table"') :]
    codes = ("linking_access", "promo_top_up", "engagement", "take_access")
    positions = [table.index(str(escape(stage_of(code).name_en))) for code in codes]
    assert positions == sorted(positions)
    for spec in stage_of("linking_access").fields:
        if spec.required:
            assert str(escape(spec.label_en)) in table
    # The old tracker history URL still works.
    assert client_of("agent").get(f"/admin/tracker/{card.id}/history").status_code == 200


def test_auto_tasks_filters_over_http(client_of, team, walked):
    owner = client_of("owner")
    page = owner.get("/admin/tasks/auto/", query_string={"seq": "2"})
    assert page.status_code == 200 and page.text.count("data-stage-task-id=") == 1
    stage = stage_of("engagement")
    page = owner.get("/admin/tasks/auto/", query_string={"stage": str(stage.id)})
    assert page.text.count("data-stage-task-id=") == 1
    page = owner.get("/admin/tasks/auto/", query_string={"state": "open"})
    assert page.text.count("data-stage-task-id=") == 2  # both cards' open steps
    for args in ({"seq": "x"}, {"card": "²"}, {"from": "2026-02-30"}, {"after": "junk"}, {"state": "?"}):
        assert owner.get("/admin/tasks/auto/", query_string=args).status_code == 400, args


def test_another_teams_card_shows_no_steps(client_of, team, walked):
    page = client_of("agent2").get(f"/admin/tasks/auto/?card={walked['mine'].id}")
    assert page.status_code == 200 and shown_number(2036) not in page.text and "data-stage-task-id=" not in page.text


def test_staff_without_cards_do_not_see_the_auto_tab(app):
    intern = make_user(full_name="Ivan Intern", language="en")
    place(intern, make_office(), "intern")
    client = sign_in(app, intern)
    assert client.get("/admin/tasks/").status_code == 200
    assert client.get("/admin/tasks/auto/").status_code == 403


def test_anonymous_visitors_go_to_sign_in(app):
    client = new_client(app)
    for url in ("/admin/tasks/", "/admin/tasks/auto/", "/admin/tasks/new/", "/admin/tasks/1/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert csrf_token(client, "/login")


def test_auto_tasks_rows_escape_what_people_typed_and_show_each_state(client_of, team):
    card = make_card(agent=team["agent"], manager=team["manager"])
    walk_to(card, "promo_top_up", team["owner"])
    closed, current = tasks_of(card)
    spec = next(s for s in closed.stage.fields if s.type in ("text", "money", "number", "date"))
    closed.values = {**(closed.values or {}), spec.name: "<script>alert(1)</script>"}
    current.deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    page = client_of("agent").get(f"/admin/tasks/auto/?card={card.id}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    rows = re.findall(r'<tr class="task-row task-state-(\w+) ([\w-]*)" data-stage-task-id="(\d+)"', page.text)
    assert rows == [("done", "table-success", str(closed.id)), ("overdue", "table-danger", str(current.id))]
    assert page.text.count(f'href="/admin/tasks/auto/?card={card.id}"') == 2


def test_auto_tasks_rows_name_the_responsible_who_closed_and_the_next_stage(client_of, team):
    card = make_card(agent=team["agent"], manager=team["manager"], number=card_number(2037))
    walk_to(card, "promo_top_up", team["owner"])
    closed, current = tasks_of(card)
    page = client_of("owner").get(f"/admin/tasks/auto/?card={card.id}")
    row = page.text.split(f'data-stage-task-id="{closed.id}"', 1)[1].split("</tr>", 1)[0]
    cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    number, stage, seq, assignee, _opened, _deadline, _closed, closed_by, next_stage, _values = cells
    assert (number, seq) == (shown_number(2037), "1")
    assert (stage, next_stage) == (stage_of("linking_access").name_en, stage_of("promo_top_up").name_en)
    assert assignee == closed.assignee.display_name and assignee
    assert closed_by == team["owner"].display_name
    open_row = page.text.split(f'data-stage-task-id="{current.id}"', 1)[1].split("</tr>", 1)[0]
    open_cells = re.findall(r"<td[^>]*>(.*?)</td>", open_row)
    assert len(open_cells) == 10 and open_cells[7:9] == ["", ""]  # not closed, no next


def _filter_people(page, arg):
    select_html = page.text[page.text.index(f'id="filter-{arg}"') :]
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select_html[: select_html.index("</select>")])


def test_the_people_filters_offer_whom_the_user_sees_and_follow_changes(client_of, team):
    manager = client_of("manager")
    offered = _filter_people(manager.get("/admin/tasks/"), "responsible")
    assert set(offered) == {"Mykola Manager", "Anna Agent"}
    assert set(_filter_people(manager.get("/admin/tasks/auto/"), "responsible")) == set(offered)
    everyone = set(_filter_people(client_of("owner").get("/admin/tasks/"), "author"))
    assert {"Bohdan Theirs", "Marko Other", "Anna Agent", "Olena Owner"} <= everyone
    team["agent"].full_name, team["agent"].is_blocked = "Anna Renamed", True
    db.session.commit()
    # A blocked person's past tasks can still be filtered by; the new name shows at the next page.
    assert set(_filter_people(manager.get("/admin/tasks/"), "author")) == {"Mykola Manager", "Anna Renamed"}
    team["agent"].deleted_at = utcnow()
    db.session.commit()
    assert _filter_people(manager.get("/admin/tasks/"), "author") == ["Mykola Manager"]
