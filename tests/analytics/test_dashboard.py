"""The home page: the owner's figures with their links and the live JSON; other roles keep theirs."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.cards.card import Transaction
from models.pipeline import StageTask
from services.cards import operations as cards
from services.platform.timezones import now_utc, to_local
from tests.factories.cards import card_number
from tests.factories.platform import make_user
from tests.view_helpers import is_sent_to_login, new_client, sign_in

D = Decimal


@pytest.fixture
def desk():
    owner = make_user(role_code="owner", language="en")
    agent = make_user(role_code="agent", full_name="Andrii Agent", language="en")
    made = [cards.create(by=owner, number=card_number(8880_0000 + n), agent_id=agent.id) for n in range(3)]
    # Two of the agent's open stage tasks are overdue.
    tasks = db.session.scalars(select(StageTask).where(StageTask.closed_at.is_(None)).order_by(StageTask.id)).all()
    for task in tasks:
        task.assignee_id = agent.id
    for task in tasks[:2]:
        task.deadline = now_utc() - dt.timedelta(days=2)
    today = to_local(now_utc()).date()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    for date, amount in [(today, "100.05"), (last_month, "50.00")]:
        db.session.add(Transaction(card_id=made[0].id, date=date, type="work_off", amount=D(amount), commission=D("0")))
    made[0].bank_answer_date = today
    db.session.commit()
    return {"owner": owner, "agent": agent, "cards": made, "stage_id": made[0].stage_id}


def test_owner_dashboard_has_every_figure_with_its_link(app, desk):
    client = sign_in(app, desk["owner"])
    page = client.get("/admin/")
    assert page.status_code == 200
    text = page.text
    assert 'id="owner-figures"' in text
    assert f'data-stage="{desk["stage_id"]}">3<' in text
    assert f"/admin/tasks/auto/?state=overdue&amp;responsible={desk['agent'].id}" in text
    assert "Andrii Agent" in text
    assert "100.05" in text and "50.00" in text and "(+100 %)" in text
    today = to_local(now_utc()).date()
    assert f"/admin/reports/finance/?from={today.replace(day=1).isoformat()}" in text
    assert "/admin/jobs/" in text
    assert "js/dashboard.js" in text and 'data-room="board:cards:all"' in text


def test_owner_figures_json_follows_a_change(app, desk):
    client = sign_in(app, desk["owner"])
    data = client.get("/admin/figures").get_json()
    owner = data["owner"]
    assert {s["id"]: s["count"] for s in owner["stages"]}[desk["stage_id"]] == 3
    assert owner["overdue"] == [
        {
            "id": desk["agent"].id,
            "name": "Andrii Agent",
            "count": 2,
            "url": f"/admin/tasks/auto/?state=overdue&responsible={desk['agent'].id}",
        }
    ]
    assert owner["money"]["work_off_this"]["value"] == "100.05"
    assert owner["money"]["profit_this"]["value"] == "150.05"
    desk["cards"][1].deleted_at = now_utc()
    db.session.commit()
    again = client.get("/admin/figures").get_json()["owner"]
    assert {s["id"]: s["count"] for s in again["stages"]}[desk["stage_id"]] == 2


def test_agent_keeps_his_own_figures_and_sees_no_owner_figures(app, desk):
    client = sign_in(app, desk["agent"])
    page = client.get("/admin/")
    assert page.status_code == 200
    assert 'id="owner-figures"' not in page.text and "100.05" not in page.text
    assert 'data-figure="my_tasks"' in page.text and f'data-room="board:cards:viewer:{desk["agent"].id}"' in page.text
    data = client.get("/admin/figures").get_json()
    assert data["owner"] is None
    assert data["figures"] == {"my_tasks": 3, "my_overdue": 2}  # no ordinary tasks yet


def test_figures_need_a_sign_in(app):
    assert is_sent_to_login(new_client(app).get("/admin/figures"))


def test_an_agents_day_lists_stage_and_ordinary_tasks_by_deadline_overdue_first(app, desk):
    from services.tasks import operations as tasks

    late = tasks.create(desk["owner"], title="Call back the bank", description="", assignee_id=desk["agent"].id,
                        deadline=now_utc() - dt.timedelta(days=5))  # fmt: skip
    tasks.create(desk["owner"], title="Send the report", description="", assignee_id=desk["agent"].id,
                 deadline=now_utc() + dt.timedelta(days=3))  # fmt: skip
    db.session.commit()
    client = sign_in(app, desk["agent"])
    page = client.get("/admin/").text
    day = page[page.index('id="my-day"') :]
    titles = re.findall(r"<strong>([^<]+)</strong>", day)
    assert titles[0] == "Call back the bank" and titles[-1] == "Send the report"
    assert sorted(titles[1:4]) == sorted(card.number for card in desk["cards"])
    assert day.count("list-group-item-danger") == 3  # the late task and the two overdue stage tasks
    assert f'href="/admin/tasks/{late.id}/"' in day
    assert f'href="/admin/tracker/?open={desk["cards"][0].id}"' in day
    assert client.get("/admin/figures").get_json()["figures"] == {"my_tasks": 5, "my_overdue": 3}


def test_the_owner_lands_on_his_figures_without_a_day_list(app, desk):
    page = sign_in(app, desk["owner"]).get("/admin/").text
    assert 'id="owner-figures"' in page and 'id="my-day"' not in page
