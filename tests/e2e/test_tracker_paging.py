"""A long column in a real browser: it opens with its first page and loads the rest as its end
comes into sight, by the column's own scroll on a desktop and by the page's on a phone."""

import pytest

from extensions import db
from models.platform.user import User
from seeds.demo import DEMO_PASSWORD
from services.cards.board import FIRST_PAGE_SIZE, PAGE_SIZE
from tests.e2e.live import DESKTOP, PHONE
from tests.factories.cards import make_card, stage_of

pytestmark = pytest.mark.e2e

EXTRA = FIRST_PAGE_SIZE + PAGE_SIZE + 5


@pytest.fixture
def long_column(demo):
    agent = db.session.scalar(db.select(User).where(User.username == "agent"))
    for _ in range(EXTRA):
        make_card(agent=agent)
    db.session.commit()
    stage_id = stage_of("linking_access").id
    db.session.remove()
    return stage_id


def _board(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto("/login")
    page.fill("#username", "owner")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")
    page.goto("/admin/tracker/")
    return page


def _scroll_to_the_end(page, stage_id, scroller):
    tasks = page.locator(f'.board-column[data-stage-id="{stage_id}"] li.task')
    total = int(page.locator(f'[data-count-for="{stage_id}"]').inner_text())
    assert total >= EXTRA
    assert tasks.count() == FIRST_PAGE_SIZE
    for _ in range(10):
        shown = tasks.count()
        if shown == total:
            break
        page.evaluate(scroller, stage_id)
        page.wait_for_function(
            "([id, n]) => document.querySelectorAll(`.board-column[data-stage-id='${id}'] li.task`).length > n",
            arg=[stage_id, shown],
        )
    ids = tasks.evaluate_all("items => items.map(item => item.dataset.subjectId)")
    assert len(ids) == total == len(set(ids))
    body = page.locator(f'.board-column[data-stage-id="{stage_id}"] .board-column-body')
    assert body.get_attribute("data-cursor") == ""


def test_a_long_column_loads_on_as_it_is_scrolled(new_page, long_column):
    page = _board(new_page, DESKTOP)
    _scroll_to_the_end(
        page,
        long_column,
        "id => { const body = document.querySelector(`.board-column[data-stage-id='${id}'] .board-column-body`);"
        " body.scrollTop = body.scrollHeight; }",
    )
    assert page.watch.check() == []


def test_on_a_phone_the_page_scroll_loads_the_column_on(new_page, long_column):
    page = _board(new_page, PHONE)
    _scroll_to_the_end(
        page,
        long_column,
        "id => document.querySelector(`.board-column[data-stage-id='${id}'] li.task:last-child`).scrollIntoView()",
    )
    assert page.watch.check() == []
