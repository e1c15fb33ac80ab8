"""Screenshots of Kartoteka with the demo data, in the Debian Chromium.

    PYTHONPATH=. .venv/bin/python tests/e2e/make_screenshot.py            # docs/screenshot.png
    PYTHONPATH=. .venv/bin/python tests/e2e/make_screenshot.py --all DIR  # + every page, desktop and phone

Runs on its own temporary instance dir and SQLite database, so the real instance/ is untouched.
Exits non-zero if a page logs a console error or a CSP violation; notes pages wider than the window."""

import argparse
import os
import sys
import tempfile
from pathlib import Path

INSTANCE = tempfile.mkdtemp(prefix="kartoteka-shots-")
os.environ["KARTOTEKA_INSTANCE"] = INSTANCE  # before config is imported
for name in ("DATABASE_URL", "REDIS_URL"):
    os.environ.pop(name, None)

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import TestConfig  # noqa: E402
from tests.e2e.live import DESKTOP, PHONE, ConsoleWatch, launch, serve  # noqa: E402

SIZES = {"desktop": DESKTOP, "phone": PHONE}


def build_app():
    from flask_migrate import upgrade

    from app import create_app
    from seeds.demo import load_demo
    from seeds.reference import load_reference

    class Config(TestConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE}/shots.db"

    app = create_app(Config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_reference()
        load_demo()
    return app


def sign_in(page, username="owner"):
    from seeds.demo import DEMO_PASSWORD

    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def shoot(browser, url, size, out, pages):
    """pages: list of (file name, callable(page)); all in one signed-in context per size."""
    context = browser.new_context(locale="uk-UA", viewport=SIZES[size], base_url=url)
    page = context.new_page()
    page.set_default_timeout(15000)
    watch = ConsoleWatch(page)
    for name, visit in pages:
        visit(page)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            print(f"note: {page.url} is {overflow}px wider than the {size} window", file=sys.stderr)
        page.screenshot(path=str(out / name.format(size=size)), full_page=name != "screenshot.png")
    context.close()
    return watch.check()


def login_page(page):
    page.context.clear_cookies()
    page.goto("/login")


def dashboard(page):
    sign_in(page)


def staff_list(page):
    page.goto("/admin/staff/")


def profile_2fa(page):
    page.goto("/admin/profile/")
    page.click("#two-factor button[type=submit]")  # "Set up": shows the QR code and the key
    page.wait_for_selector(".totp-qr svg")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", metavar="DIR", help="also save every page at desktop and phone size here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    app = build_app()
    problems = []
    with serve(app) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        problems += shoot(browser, url, "desktop", ROOT / "docs", [("screenshot.png", dashboard)])
        print(ROOT / "docs" / "screenshot.png")
        if args.all:
            out = Path(args.all)
            out.mkdir(parents=True, exist_ok=True)
            pages = [
                ("login-{size}.png", login_page),
                ("dashboard-{size}.png", dashboard),
                ("staff-{size}.png", staff_list),
                ("profile-2fa-{size}.png", profile_2fa),
            ]
            for size in SIZES:
                problems += shoot(browser, url, size, out, pages)
            print(f"{out}/*.png")
        browser.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
