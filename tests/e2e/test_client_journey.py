"""A client's way from new lead to paying, in real browsers: the supervisor moves his employee's
client through the modals while the employee's board follows, issues an invoice and records its
payment; the employee's and the client's points are there at once, and the client who brought him
becomes a partner."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.clients import Client
from models.platform.user import User
from services import ledger
from services.clients.operations import clients_pipeline
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e

WALK = (
    ("contacted", {}),
    ("trial_booked", {}),
    ("trial_attended", {"attended": "check"}),
    ("enrolled", {"course": "English B1"}),
)


def _signed_in(new_page, username, path):
    page = new_page()
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/admin/"))
    page.goto(path)
    return page


def test_from_new_lead_to_paid_with_points_and_a_partner(new_page, demo):
    stages = {stage.code: stage.id for stage in clients_pipeline().stages}
    employee = db.session.scalar(select(User).where(User.username == "employee"))
    mine = select(Client).where(Client.responsible_id == employee.id, Client.is_partner.is_(False))
    lead = db.session.scalar(mine.where(Client.stage_id == stages["new_lead"], Client.referrer_id.is_(None)))
    referrer = db.session.scalar(mine.where(Client.id != lead.id))
    lead.referrer_id = referrer.id  # he brought this lead
    db.session.commit()
    lead_id, referrer_id = lead.id, referrer.id
    points_before = ledger.balance_of("employee", employee.id)
    db.session.remove()

    watcher = _signed_in(new_page, "employee", "/admin/clients/board/")
    watcher.wait_for_selector("#board-live.badge-success")
    mover = _signed_in(new_page, "supervisor", "/admin/clients/board/")
    mover.wait_for_selector("#board-live.badge-success")
    for code, fields in WALK:
        mover.goto(f"/admin/clients/board/?open={lead_id}")
        modal = mover.locator("#move-modal")
        modal.locator("#move-form").wait_for(state="visible")
        modal.locator("#move-to").select_option(str(stages[code]))
        for name, value in fields.items():
            field = modal.locator(f'[name="field.{name}"]')
            field.check() if value == "check" else field.fill(value)
        modal.locator('button[value="move"]').click()
        modal.wait_for(state="hidden")
    watcher.locator(
        f'.board-column[data-stage-id="{stages["enrolled"]}"] li.task[data-subject-id="{lead_id}"]'
    ).wait_for()

    mover.goto(f"/admin/clients/{lead_id}/?tab=invoices")
    mover.click("#invoice-new")
    mover.fill('[name="lines-0-description"]', "English B1, 8 lessons")
    mover.fill('[name="lines-0-price"]', "3200")
    mover.click("#invoice-form button[type=submit]")
    mover.click("#invoice-issue")
    mover.wait_for_selector("#invoice-pdf")
    mover.click("#payment-save")
    mover.wait_for_selector(".invoice-status-paid")

    watcher.goto("/admin/points/")
    shown = watcher.locator(".balance-points").inner_text().strip().replace("\u202f", "")
    assert Decimal(shown) == points_before + 35  # the trial attended 5, enrolled 20, the invoice paid 10
    watcher.goto(f"/admin/clients/{lead_id}/?tab=points")
    assert watcher.locator("#client-balances .balance-points").inner_text().strip() == "80.00"  # 10 + 50 + 20
    watcher.goto("/admin/partners/")
    watcher.locator(f'tr.partner-row[data-client-id="{referrer_id}"]').wait_for()
    assert watcher.watch.check() == [] and mover.watch.check() == []
