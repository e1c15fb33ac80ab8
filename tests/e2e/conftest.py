"""Fixtures for the real-browser tests.

How it fits together, and why:
- The root `app` fixture already gives a session-wide app on its own temporary instance dir and a
  migrated database (SQLite in embedded mode, a throw-away PostgreSQL database when
  TEST_DATABASE_URL is set), so the browser tests run against exactly what the rest of the suite
  tests, in either mode.
- `live_server` serves that app once per session on a free loopback port from a daemon thread of
  this process (werkzeug's threaded server, which also carries Socket.IO), and waits until
  /login answers. Requests run in their own app contexts and database sessions.
- The root `db` fixture is autouse and empties every table after each test, so `demo` loads the
  demo data (one login per role, password `kartoteka`) at the start of each test that asks for it.
- One Chromium per session (`browser`); each test gets fresh contexts (no shared cookies) from
  `new_page`, whose pages record console errors and CSP violations (`page.watch.check()`).
"""

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.live import DESKTOP, ConsoleWatch, launch, serve


@pytest.fixture(scope="session")
def live_server(app):
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(db):
    from seeds.demo import load_demo

    load_demo()
    db.session.remove()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(locale="en-US", viewport=DESKTOP) -> a page at about:blank with `.watch`."""
    contexts = []

    def _new_page(locale="en-US", viewport=DESKTOP):
        context = browser.new_context(locale=locale, viewport=viewport, base_url=live_server)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.watch = ConsoleWatch(page)
        return page

    yield _new_page
    for context in contexts:
        context.close()
