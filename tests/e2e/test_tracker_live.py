"""The task tracker in a real browser: the move modal, drag and drop, and live counts on another
person's board without a reload. Two separate browser contexts, one live server."""

import re

import pytest

from extensions import db
from models.pipeline import Stage
from seeds.demo import DEMO_PASSWORD, load_demo
from services.cards.board import cards_pipeline
from tests.e2e.pages import t

pytestmark = pytest.mark.e2e

# Chromium reports every non-2xx fetch on the console; the modal's 422 is part of the flow.
EXPECTED_CONSOLE = re.compile(r"status of 422")


@pytest.fixture
def live_url(live_server):
    """The session's live server and Chromium come from conftest.py (one Playwright per run)."""
    return live_server


@pytest.fixture
def demo(app):
    load_demo()
    return {stage.code: stage.id for stage in cards_pipeline().stages}


def _open_board(browser, live_url, username, problems):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"{username}: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"{username}: {error}"))
    page.goto(f"{live_url}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))
    page.goto(f"{live_url}/admin/tracker/")
    page.wait_for_selector("#board-live.badge-success")  # joined its board room
    return page


def _badge(page, stage_id):
    return page.locator(f'[data-count-for="{stage_id}"]')


def _open_first_modal(page, stage_id):
    """(the move modal, the card's id) of the column's first task, clicked open."""
    task = _task(page, stage_id).first
    card_id = task.get_attribute("data-subject-id")
    task.click()
    modal = page.locator("#move-modal")
    modal.locator("#move-form").wait_for(state="visible")
    return modal, card_id


def _count_changes(page, stage_id, before, change):
    """The column's count on `page` moves from `before` by `change`, live."""
    page.wait_for_function(
        '([id, text]) => document.querySelector(`[data-count-for="${id}"]`).textContent.trim() !== text',
        arg=[stage_id, before],
    )
    assert int(_badge(page, stage_id).inner_text()) == int(before) + change


def _task(page, stage_id, card_id=None):
    selector = f'.board-column[data-stage-id="{stage_id}"] li.task'
    if card_id is not None:
        selector += f'[data-subject-id="{card_id}"]'
    return page.locator(selector)


def test_a_move_in_one_browser_updates_the_other_live(live_url, browser, demo):
    problems = []
    a = _open_board(browser, live_url, "manager", problems)
    b = _open_board(browser, live_url, "owner", problems)
    source, target = demo["linking_access"], demo["promo_top_up"]
    b.evaluate("window.__marker = 1")
    before_b = (_badge(b, source).inner_text(), _badge(b, target).inner_text())

    modal, card_id = _open_first_modal(a, source)
    assert modal.locator("#move-to").input_value() == str(target)
    stage = db.session.get(Stage, source)
    for spec in stage.fields:
        assert modal.locator(f'label[for="f-{spec.name}"]').inner_text().startswith(spec.label_uk)

    # The date is prefilled with today; emptied, like the other fields: the modal stays and shows what
    # is missing.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", modal.locator("#f-linked_on").input_value())
    modal.locator("#f-linked_on").fill("")
    modal.locator("button[type=submit]").click()
    linked_on_error = modal.locator('[data-error-for="linked_on"]')
    linked_on_error.wait_for(state="visible")
    assert linked_on_error.inner_text().strip()
    assert modal.locator('[data-error-for="bank_login_done"]').inner_text().strip()
    assert modal.locator("#move-message").is_visible()
    assert modal.locator("#f-linked_on").get_attribute("class").split().count("is-invalid") == 1

    modal.locator("#f-bank_login_done").check()
    modal.locator("#f-linked_on").fill("2026-01-15")
    modal.locator("#f-comment").fill("linked in the browser")
    modal.locator("button[type=submit]").click()
    modal.wait_for(state="hidden")
    _task(a, source, card_id).wait_for(state="detached")
    _task(a, target, card_id).wait_for(state="attached")

    # B sees the counts change without a reload.
    _count_changes(b, source, before_b[0], -1)
    _count_changes(b, target, before_b[1], +1)
    _task(b, source, card_id).wait_for(state="detached")
    assert b.evaluate("window.__marker") == 1

    assert [p for p in problems if not EXPECTED_CONSOLE.search(p)] == [], problems


def test_dragging_a_task_to_the_next_column_opens_the_modal_with_that_target(live_url, browser, demo):
    problems = []
    a = _open_board(browser, live_url, "manager", problems)
    source, target = demo["linking_access"], demo["promo_top_up"]
    task = _task(a, source).first
    card_id = task.get_attribute("data-subject-id")
    task.drag_to(a.locator(f'.board-column[data-stage-id="{target}"]'))
    form = a.locator("#move-modal #move-form")
    form.wait_for(state="visible")
    assert form.get_attribute("data-subject-id") == card_id
    assert form.locator("#move-to").input_value() == str(target)
    # Demo people work in Ukrainian (their profile language), whatever the browser asks for.
    assert form.locator("button[type=submit]").inner_text().strip() == t("uk", "Save and move")
    assert [p for p in problems if not EXPECTED_CONSOLE.search(p)] == [], problems


def test_a_drop_on_a_column_the_card_may_not_go_to_is_refused_with_the_reason(live_url, browser, demo):
    problems = []
    a = _open_board(browser, live_url, "manager", problems)
    source, target = demo["linking_access"], demo["engagement"]  # linking access leads to the top-up only
    task = _task(a, source).first
    card_id = task.get_attribute("data-subject-id")
    task.drag_to(a.locator(f'.board-column[data-stage-id="{target}"]'))
    notice = a.locator("#board-notice")
    notice.wait_for(state="visible")
    labels = [
        a.locator(f'.board-column[data-stage-id="{stage}"]').get_attribute("data-label") for stage in (source, target)
    ]
    assert all(label in notice.inner_text() for label in labels)
    assert not a.locator("#move-modal").is_visible()
    assert _task(a, source, card_id).count() == 1  # the card stays where it was
    assert [p for p in problems if not EXPECTED_CONSOLE.search(p)] == [], problems


def test_the_mover_undoes_a_move_from_the_board_within_seconds(live_url, browser, demo):
    problems = []
    a = _open_board(browser, live_url, "manager", problems)
    source, target = demo["linking_access"], demo["promo_top_up"]
    modal, card_id = _open_first_modal(a, source)
    modal.locator("#f-bank_login_done").check()
    modal.locator('button[value="move"]').click()
    modal.wait_for(state="hidden")
    _task(a, target, card_id).wait_for(state="attached")
    a.locator("#board-undo").click()
    _task(a, source, card_id).wait_for(state="attached")
    _task(a, target, card_id).wait_for(state="detached")
    assert a.locator("#board-notice").inner_text().strip() == t("uk", "The move is undone.")
    assert [p for p in problems if not EXPECTED_CONSOLE.search(p)] == [], problems


def test_a_transaction_added_in_the_modal_then_the_move_update_the_other_board(live_url, browser, demo):
    problems = []
    a = _open_board(browser, live_url, "owner", problems)
    b = _open_board(browser, live_url, "admin", problems)
    source, target = demo["work_off"], demo["bank_application"]
    before_b = (_badge(b, source).inner_text(), _badge(b, target).inner_text())
    modal, card_id = _open_first_modal(a, source)
    panel = modal.locator("#transactions")
    rows = panel.locator("tr.tx-row").count()
    panel.locator('select[name="type"]').select_option("fee")
    panel.locator('input[name="amount"]').fill("10.00")
    panel.locator("#tx-add-button").click()
    a.wait_for_function("n => document.querySelectorAll('#move-modal tr.tx-row').length > n", arg=rows)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", modal.locator("#f-worked_off_on").input_value())  # today
    modal.locator('button[value="move"]').click()
    modal.wait_for(state="hidden")
    _task(a, target, card_id).wait_for(state="attached")
    _count_changes(b, source, before_b[0], -1)
    _count_changes(b, target, before_b[1], +1)
    assert [p for p in problems if not EXPECTED_CONSOLE.search(p)] == [], problems
