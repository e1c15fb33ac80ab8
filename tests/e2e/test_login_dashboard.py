"""Signing in, the dashboard, access to Staff, the language switch and signing out, in Chromium."""

import re

import pytest
from sqlalchemy import func, select

from models.cards.directory import Bank, Contractor
from models.platform.org import Office
from models.platform.user import User
from seeds.demo import PEOPLE
from tests.e2e.live import PHONE
from tests.e2e.pages import sign_in, t

pytestmark = pytest.mark.e2e

FULL_NAME = {username: full_name for username, full_name, _ in PEOPLE}
# Signed in, demo people see their profile language (the default), not the browser's.
DEMO_LANGUAGE = "uk"


def count(db, query):
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_owner_signs_in_and_sees_his_dashboard(new_page, demo, db):
    page = new_page()
    sign_in(page, "owner")
    page.wait_for_url(re.compile(r"/admin/$"))

    name = FULL_NAME["owner"]
    assert name in page.locator("#user-menu").inner_text()
    assert page.locator("#dashboard h3").inner_text().strip() == t(DEMO_LANGUAGE, "Hello, %(name)s", name=name)
    figures = {
        card.get_attribute("data-figure"): card.locator(".figure-value").inner_text().strip()
        for card in page.locator("#dashboard [data-figure]").all()
    }
    expected = {
        "staff": count(db, select(User.id).where(User.deleted_at.is_(None))),
        "offices": count(db, select(Office.id)),
        "banks": count(db, select(Bank.id).where(Bank.is_active)),
        "contractors": count(db, select(Contractor.id).where(Contractor.is_active)),
    }
    assert {key: int(figures[key]) for key in expected} == expected
    assert all(value.isdigit() for value in figures.values()), figures
    assert page.locator('nav a[href="/admin/staff/"]').count() == 1
    assert page.watch.check() == []


def test_agent_has_no_staff_menu_and_gets_403_on_the_staff_page(new_page, demo):
    page = new_page()
    sign_in(page, "agent")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert FULL_NAME["agent"] in page.locator("#user-menu").inner_text()
    assert page.locator('nav a[href="/admin/tracker/"]').count() == 1  # the menu is there...
    assert page.locator('nav a[href="/admin/staff/"]').count() == 0  # ...without Staff

    response = page.goto("/admin/staff/")
    assert response.status == 403
    assert page.locator(".error-code").inner_text().strip() == "403"
    assert t(DEMO_LANGUAGE, "You do not have access to this page.") in page.locator(".error-page").inner_text()
    assert page.watch.check(allow=r"status of 403") == []


def test_wrong_password_shows_the_error_on_the_login_page(new_page, demo):
    page = new_page()
    with page.expect_response(lambda r: r.request.method == "POST" and "/login" in r.url) as posted:
        sign_in(page, "owner", password="not-the-password")
    assert posted.value.status == 401
    page.wait_for_load_state()
    assert page.locator(".alert-danger").inner_text().strip() == t("en", "Wrong username or password.")
    assert page.locator("#username").input_value() == "owner"
    assert page.locator("#password").input_value() == ""
    assert re.search(r"/login$", page.url)
    assert page.watch.check(allow=r"status of 401") == []


def test_language_switch_on_the_login_page(new_page):
    page = new_page()
    page.goto("/login")
    assert page.get_attribute("html", "lang") == "en"
    button = page.locator("form[novalidate] button[type=submit]")
    assert button.inner_text().strip() == t("en", "Sign in")

    page.click('button[name=language][value="ru"]')
    page.wait_for_function("document.documentElement.lang === 'ru'")
    assert re.search(r"/login\??$", page.url)
    assert button.inner_text().strip() == t("ru", "Sign in")
    assert page.locator('.language-switch button.active[value="ru"]').count() == 1

    page.click('button[name=language][value="uk"]')
    page.wait_for_function("document.documentElement.lang === 'uk'")
    assert button.inner_text().strip() == t("uk", "Sign in")
    assert page.watch.check() == []


def open_user_menu(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # phone: the menu is collapsed behind the burger
        toggler.click()
        page.wait_for_selector("#admin-navbar-collapse.show")  # opened, not still sliding
    page.click("#user-menu")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_sign_out_from_the_user_menu_returns_to_login(new_page, demo, viewport):
    page = new_page(**({"viewport": viewport} if viewport else {}))
    sign_in(page, "owner")
    page.wait_for_url(re.compile(r"/admin/$"))
    open_user_menu(page)
    page.click("#logout-button")
    page.wait_for_url(re.compile(r"/login$"))
    page.wait_for_load_state("networkidle")
    assert page.locator("#username").is_visible()

    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/login\?next="))
    assert page.watch.check() == []


def test_sign_out_message_is_shown_every_time(new_page, demo):
    page = new_page()
    for _ in range(3):
        sign_in(page, "owner")
        page.wait_for_url(re.compile(r"/admin/$"))
        page.wait_for_timeout(300)  # the page's socket is connected
        open_user_menu(page)
        page.click("#logout-button")
        page.wait_for_url(re.compile(r"/login$"))
        page.wait_for_load_state("networkidle")
        assert page.locator(".alert-success").all_inner_texts() == [t("en", "You have signed out.")]


def test_two_factor_setup_shows_the_whole_qr_code(new_page, demo):
    page = new_page()
    sign_in(page, "owner")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/profile/")
    page.click("#two-factor button[type=submit]")
    qr = page.locator(".totp-qr svg")
    qr.wait_for()
    assert re.fullmatch(r"[A-Z2-7]{32}", page.locator("#totp-secret").inner_text().strip())
    # Drawn at its own size (or scaled through a viewBox), never cut off by CSS.
    drawn = qr.bounding_box()
    width, height, view_box = (qr.get_attribute(name) for name in ("width", "height", "viewBox"))
    if not view_box:
        assert (round(drawn["width"]), round(drawn["height"])) == (int(width), int(height))
    assert page.watch.check() == []


def test_staff_list_has_no_csp_violations(new_page, demo):
    page = new_page()
    sign_in(page, "owner")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/staff/")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.model-list tbody tr").count() > 0
    # The filter menu and a filter choice work without inline handlers.
    page.locator("xpath=//div[contains(@class, 'field-filters')]/preceding-sibling::a[1]").click()
    page.locator("a.dropdown-item.filter").first.click()
    page.locator(".filters .filter-op").first.wait_for()
    assert page.url.endswith("/admin/staff/")
    assert page.watch.check() == []
