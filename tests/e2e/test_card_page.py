"""A card's pages in a real browser: the edit page's one Save (a transaction added and another removed
in its panel are saved with the card's fields), the full number shown to a role granted it, and the
task form's card picker finding a card by its last four digits."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.cards.card import Card, Transaction
from models.pipeline import Stage
from models.platform.audit import ChangeLog
from models.platform.user import User
from models.tasks.task import Task
from services.cards import card_numbers
from services.platform import sealed
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e
SCREEN = {"width": 1280, "height": 900}


def _signed_in(new_page, username):
    page = new_page(viewport=SCREEN)
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/admin/"))
    return page


def _card_with_transactions():
    """A card standing on a stage that takes transactions, with at least one already."""
    taking = select(Stage.id).where(Stage.transactions_allowed.is_(True))
    cards = db.session.scalars(select(Card).where(Card.stage_id.in_(taking), Card.deleted_at.is_(None)))
    return next(card for card in cards if card.transactions)


def _amounts(card_id):
    db.session.expire_all()
    return sorted(db.session.scalars(select(Transaction.amount).where(Transaction.card_id == card_id)))


def test_the_edit_page_saves_new_and_removed_transactions_with_the_card(new_page, demo):
    card = _card_with_transactions()
    card_id, removed_id, removed_amount = card.id, card.transactions[0].id, card.transactions[0].amount
    before = _amounts(card_id)
    page = _signed_in(new_page, "owner")
    page.goto(f"/admin/cards/edit/?id={card_id}")
    panel = page.locator("#card-form #transactions")
    total_before = panel.locator("#tx-total").inner_text()
    panel.locator('#tx-new input[name="amount"]').fill("123.45")
    panel.locator("#tx-add-button").click()
    panel.locator("tr.tx-pending").wait_for()
    assert panel.locator("#tx-total").inner_text() != total_before  # the totals follow at once
    panel.locator(f'tr.tx-row[data-id="{removed_id}"] .js-tx-mark').click()
    assert "tx-removed" in panel.locator(f'tr.tx-row[data-id="{removed_id}"]').get_attribute("class")
    assert _amounts(card_id) == before  # nothing is saved before Save
    page.locator("#notes").fill("checked on the phone")
    page.locator('#card-form input[type="submit"].btn-primary').click()
    page.wait_for_url(re.compile(r"/admin/cards/(?!edit)"))
    after = list(before)
    after.remove(removed_amount)
    assert _amounts(card_id) == sorted([*after, Decimal("123.45")])
    assert db.session.get(Card, card_id).notes == "checked on the phone"
    assert page.watch.check() == []


def test_the_full_number_is_shown_on_request_and_the_reading_logged(new_page, demo):
    card = db.session.scalar(
        select(Card).where(Card.number_sealed.is_not(None), Card.accountant.has(username="accountant"))
    )
    full = card_numbers.grouped(sealed.unseal(card.number_sealed, card_numbers.PURPOSE))
    page = _signed_in(new_page, "accountant")
    page.goto(f"/admin/cards/details/?id={card.id}")
    shown = page.locator("#card-stage [data-card-number]")
    assert shown.inner_text() == card.number and full not in page.content()
    page.locator(".js-reveal-number button").click()
    page.wait_for_function("n => document.querySelector('#card-stage [data-card-number]').textContent === n", arg=full)
    db.session.expire_all()
    readers = db.session.scalars(
        select(User.username).join(ChangeLog, ChangeLog.user_id == User.id).where(ChangeLog.action == "reveal")
    ).all()
    assert readers == ["accountant"]
    agent = _signed_in(new_page, "agent")
    agent.goto(f"/admin/cards/details/?id={card.id}")
    assert agent.locator("#card-stage").count() == 1 and agent.locator(".js-reveal-number").count() == 0
    assert page.watch.check() == [] and agent.watch.check(allow=r"status of 404") == []


def test_the_task_forms_card_picker_finds_a_card_by_its_last_four_digits(new_page, demo):
    card = db.session.scalar(select(Card).where(Card.agent.has(username="agent")).order_by(Card.id))
    last_four = card.number[-4:]
    page = _signed_in(new_page, "agent")
    page.goto("/admin/tasks/new/")
    page.locator("#title").fill("Call about the card")
    page.locator("#s2id_card-picker").click()
    page.locator("#select2-drop input.select2-input").fill(last_four)
    choice = page.locator("#select2-drop .select2-result-label", has_text=card.number)
    choice.first.click()
    page.locator('#task-form button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/admin/tasks/\d+/"))
    db.session.expire_all()
    task = db.session.scalar(select(Task).where(Task.title == "Call about the card"))
    assert task.card_id == card.id and card.number in page.content()
    assert page.watch.check() == []
