"""The clients' training board in a real browser: a supervisor moves his employee's client through
the modal (the move to "lost" asks for the reason first), and the employee's open board follows
without a reload; the intern's board shows his own clients only."""

import re

import pytest
from sqlalchemy import select

from extensions import db
from models.clients import Client
from models.pipeline import Stage
from models.platform.user import User
from services.clients.operations import clients_pipeline
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e


def _board(new_page, username):
    page = new_page()
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/admin/"))
    page.goto("/admin/clients/board/")
    page.wait_for_selector("#board-live.badge-success")  # joined its board room
    return page


def _stages():
    return {stage.code: stage.id for stage in clients_pipeline().stages}


def _shown_ids(page):
    return set(map(int, page.locator("li.task").evaluate_all("items => items.map(item => item.dataset.subjectId)")))


def test_a_supervisor_moves_a_client_and_the_employees_board_follows(new_page, demo):
    stages = _stages()
    employee = db.session.scalar(select(User).where(User.username == "employee"))
    client_id = db.session.scalar(
        select(Client.id).where(Client.responsible_id == employee.id, Client.stage_id == stages["new_lead"])
    )
    db.session.remove()
    watcher = _board(new_page, "employee")
    mover = _board(new_page, "supervisor")
    before = watcher.locator(f'[data-count-for="{stages["new_lead"]}"]').inner_text()

    mover.locator(f'li.task[data-subject-id="{client_id}"]').click()
    modal = mover.locator("#move-modal")
    modal.locator("#move-form").wait_for(state="visible")
    reason = modal.locator('[name="field.lost_reason"]')
    assert not reason.is_visible()  # asked only on the move to "lost"
    modal.locator("#move-to").select_option(str(stages["lost"]))
    assert reason.is_visible() and not modal.locator('[name="field.contacted_on"]').is_visible()
    modal.locator('button[value="move"]').click()
    modal.locator('[data-error-for="lost_reason"]').wait_for(state="visible")  # refused without a reason
    modal.locator("#move-to").select_option(str(stages["contacted"]))
    modal.locator('[name="field.contacted_on"]').fill("2026-12-01")
    modal.locator('button[value="move"]').click()
    modal.wait_for(state="hidden")

    watcher.wait_for_function(
        "([id, text]) => document.querySelector(`[data-count-for='${id}']`).textContent.trim() !== text",
        arg=[stages["new_lead"], before],
    )
    watcher.locator(
        f'.board-column[data-stage-id="{stages["contacted"]}"] li.task[data-subject-id="{client_id}"]'
    ).wait_for()
    assert db.session.scalar(select(Client.stage_id).where(Client.id == client_id)) == stages["contacted"]
    db.session.remove()
    assert watcher.watch.check(allow=r"status of 422") == []
    assert mover.watch.check(allow=r"status of 422") == []


def test_the_intern_sees_only_his_own_clients(new_page, demo):
    intern = db.session.scalar(select(User).where(User.username == "intern"))
    his = set(db.session.scalars(select(Client.id).where(Client.responsible_id == intern.id)))
    open_ones = set(
        db.session.scalars(
            select(Client.id)
            .join(Stage, Stage.id == Client.stage_id)
            .where(Stage.is_final.is_(False), Client.id.in_(his))
        )
    )
    db.session.remove()
    page = _board(new_page, "intern")
    assert _shown_ids(page) == open_ones and open_ones
    page.goto("/admin/clients/")
    listed = set(map(int, page.locator("tr.client-row").evaluate_all("rows => rows.map(row => row.dataset.clientId)")))
    assert listed == his
    assert page.watch.check() == []
