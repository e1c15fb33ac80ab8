"""The desk's stage rules in a real browser: the bank check's "no answer yet" keeps the card on the
stage and rolls its deadline to the next working day, "no" cannot move the card on, the answer's
date and text show only for "yes"; a top-up amount entered in the modal becomes the card's
transaction with its commission."""

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.cards.card import Card, Transaction
from models.pipeline import Stage, StageTask
from models.platform.user import User
from seeds.demo import DEMO_PASSWORD
from services.cards.board import cards_pipeline

pytestmark = pytest.mark.e2e


def _stage_id(code):
    return next(stage.id for stage in cards_pipeline().stages if stage.code == code)


def _board(new_page, username):
    page = new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))
    page.goto("/admin/tracker/")
    page.wait_for_selector("#board-live.badge-success")
    return page


def _open_first_task(page, stage_id):
    task = page.locator(f'.board-column[data-stage-id="{stage_id}"] li.task').first
    card_id = int(task.get_attribute("data-subject-id"))
    task.click()
    form = page.locator("#move-modal #move-form")
    form.wait_for(state="visible")
    return form, card_id


def _open_tasks(card_id):
    db.session.expire_all()
    return db.session.scalars(
        select(StageTask)
        .where(StageTask.subject_type == "card", StageTask.subject_id == card_id)
        .order_by(StageTask.seq)
    ).all()


def test_no_answer_yet_keeps_the_card_and_rolls_its_deadline(new_page, demo):
    page = _board(new_page, "manager")
    bank_check = _stage_id("bank_check")
    form, card_id = _open_first_task(page, bank_check)
    answer_date = form.locator("[data-shown-if] #f-answer_date")
    assert not answer_date.is_visible()  # no answer chosen yet: no date asked
    form.locator("#f-answer_received").select_option("yes")
    answer_date.wait_for(state="visible")
    form.locator("#f-answer_received").select_option("no")
    answer_date.wait_for(state="hidden")

    # "No" cannot move the card on: the modal says what to choose, nothing changes.
    before = _open_tasks(card_id)
    form.locator('button[value="move"]').click()
    error = form.locator('[data-error-for="answer_received"]')
    error.wait_for(state="visible")
    assert error.inner_text().strip()
    assert [t.id for t in _open_tasks(card_id)] == [t.id for t in before]

    form.locator('button[value="step"]').click()
    page.locator("#move-modal").wait_for(state="hidden")
    page.locator(f'.board-column[data-stage-id="{bank_check}"] li.task[data-subject-id="{card_id}"]').wait_for()
    *_, closed, opened = _open_tasks(card_id)
    assert closed.values == {"answer_received": "no"} and closed.moved_to_stage_id == bank_check
    assert opened.stage_id == bank_check and opened.closed_at is None
    assert opened.deadline > closed.closed_at and opened.deadline - closed.closed_at < timedelta(days=4)
    assert db.session.get(Card, card_id).stage_id == bank_check
    told = page.locator("#board-notice")
    told.wait_for(state="visible")  # said, not silent: the card stays, due by the end of the next working day
    assert (opened.deadline - timedelta(minutes=1)).date().isoformat() in told.inner_text()  # Kyiv: UTC+2
    assert page.watch.check(allow=r"status of 422") == []


def test_a_top_up_entered_in_the_modal_is_the_cards_transaction_with_its_commission(new_page, demo):
    page = _board(new_page, "accountant")
    top_up = _stage_id("promo_top_up")
    form, card_id = _open_first_task(page, top_up)
    booked_before = set(db.session.scalars(select(Transaction.id).where(Transaction.card_id == card_id)))
    form.locator("#f-amount").fill("1 250.50")
    form.locator("#f-topped_up_on").fill("2026-12-02")
    form.locator('button[value="move"]').click()
    page.locator("#move-modal").wait_for(state="hidden")
    db.session.expire_all()
    [booked] = db.session.scalars(
        select(Transaction).where(Transaction.card_id == card_id, Transaction.id.not_in(booked_before or {0}))
    ).all()
    assert (booked.type, booked.amount, booked.stage_id) == ("top_up", Decimal("1250.50"), top_up)
    card = db.session.get(Card, card_id)
    if card.bank is not None and card.bank.commission_percent:
        assert booked.commission == (Decimal("1250.50") * card.bank.commission_percent / 100).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )  # half up, as money is
    page.goto(f"/admin/cards/details/?id={card_id}")
    panel = page.locator("#transactions")
    panel.wait_for()
    assert "1\u202f250.50" in panel.inner_text()
    assert db.session.scalar(select(User.username).where(User.id == booked.created_by_id)) == "accountant"
    assert db.session.get(Stage, top_up).code == "promo_top_up"


def test_the_modal_of_a_stage_that_takes_transactions_adds_one_at_once(new_page, demo):
    page = _board(new_page, "owner")
    form, card_id = _open_first_task(page, _stage_id("work_off"))
    panel = page.locator("#move-modal #transactions")
    panel.wait_for(state="visible")
    before = {t.id for t in db.session.scalars(select(Transaction).where(Transaction.card_id == card_id))}
    rows = panel.locator("tr.tx-row").count()
    panel.locator('select[name="type"]').select_option("fee")
    panel.locator('input[name="amount"]').fill("10.00")
    panel.locator("#tx-add-button").click()
    page.wait_for_function("n => document.querySelectorAll('#transactions tr.tx-row').length > n", arg=rows)
    db.session.expire_all()
    [added] = [
        t for t in db.session.scalars(select(Transaction).where(Transaction.card_id == card_id)) if t.id not in before
    ]
    assert (added.type, added.amount) == ("fee", Decimal("10.00"))
    assert form.is_visible()  # the modal stays open for the move
    assert page.watch.check(allow=r"status of 422") == []
