"""Staff pages in a real browser: the cards' and tasks' tables on a 390 px phone (no page wider than
the screen, each row a block of its key cells under their labels, the rest on the record's page), the
worked-off tab on a 1440 px screen, and one click from "my day" into a card's move modal."""

import re

import pytest

from tests.e2e.live import PHONE
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e
PAGES = ("/admin/cards/?tab=new", "/admin/cards/?tab=in_work", "/admin/cards/?tab=worked_off",
         "/admin/cards/?tab=archive", "/admin/tasks/auto/")  # fmt: skip


def _signed_in(new_page, username, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/admin/"))
    return page


def _overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_card_and_task_tables_read_on_a_phone(new_page, demo):
    page = _signed_in(new_page, "owner", PHONE)
    for url in PAGES:
        page.goto(url)
        row = page.locator("table.table-stack tbody tr").first
        row.wait_for()
        assert _overflow(page) <= 0, url
        assert row.evaluate("r => getComputedStyle(r).display") == "block", url
        cells = row.locator("td[data-label]")
        label = cells.first.evaluate("c => getComputedStyle(c, '::before').content")
        assert label.strip('"').endswith(": "), (url, label)
        assert row.locator("td.col-extra").first.is_hidden(), url
    assert page.watch.check() == []


def test_the_worked_off_tab_fits_a_1440_px_screen(new_page, demo):
    page = _signed_in(new_page, "owner", {"width": 1440, "height": 900})
    page.goto("/admin/cards/?tab=worked_off")
    page.locator("#cards-table tbody tr").first.wait_for()
    assert _overflow(page) <= 0
    assert page.evaluate("(() => { const t = document.querySelector('#cards-table');"
                         " return t.scrollWidth - t.parentElement.clientWidth; })()") <= 0  # fmt: skip


def test_one_click_from_my_day_opens_the_cards_move_modal(new_page, demo):
    page = _signed_in(new_page, "agent", {"width": 1280, "height": 800})
    assert page.locator('#my-day li[data-kind="task"]').count() > 0  # his ordinary tasks beside the stage ones
    item = page.locator('#my-day li[data-kind="stage"] a').first
    item.click()
    page.wait_for_url(re.compile(r"/admin/tracker/\?open=\d+"))
    page.locator("#move-modal #move-form").wait_for(state="visible")
    assert page.watch.check() == []
