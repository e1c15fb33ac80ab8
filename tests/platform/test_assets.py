"""The layout's stylesheet and script links are rendered once per page and kept by the process;
each page still carries its own request's CSP nonce, so the browser runs its scripts."""

import re

from tests.factories.platform import make_user
from tests.view_helpers import sign_in

SCRIPT = re.compile(r'<script nonce="([^"]+)" src="([^"]+)"')
STYLESHEET = re.compile(r'<link href="([^"]+)" rel="stylesheet"')


def assets(page):
    """(the header's nonce, [(nonce, script src)], [stylesheet href]) of a page."""
    header = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    return header, SCRIPT.findall(page.text), STYLESHEET.findall(page.text)


def test_kept_links_carry_each_requests_nonce(app):
    from admin_views import assets as kept_assets

    client = sign_in(app, make_user("assets_manager", "manager", language="en"))
    first_nonce, first_scripts, first_sheets = assets(client.get("/admin/tasks/"))
    assert len(kept_assets._kept) == 2  # the header's links and the scripts, for this page
    second = client.get("/admin/tasks/")
    nonce, scripts, sheets = assets(second)
    assert nonce != first_nonce
    assert [src for _, src in scripts] == [src for _, src in first_scripts]
    assert any(src.endswith("js/kartoteka.js") for _, src in scripts)
    assert any("jquery" in src for _, src in scripts)
    assert {used for used, _ in scripts} == {nonce}  # this request's nonce, on every kept script
    assert sheets == first_sheets and any(href.endswith("css/kartoteka.css") for href in sheets)
    assert kept_assets.NONCE_SLOT not in second.text


def test_each_page_keeps_its_own_links(app):
    from admin_views import assets as kept_assets

    client = sign_in(app, make_user("assets_owner", "owner", language="en"))
    client.get("/admin/tasks/")
    client.get("/admin/tracker/")
    assert {key[:2] for key in kept_assets._kept} == {
        (block, endpoint) for block in ("head_css", "tail_js") for endpoint in ("tasks", "tracker")
    }
    _, scripts, _ = assets(client.get("/admin/tracker/"))
    assert any(src.endswith("js/kartoteka.js") for _, src in scripts)
