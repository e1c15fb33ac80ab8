"""The layout's stylesheet and script links, rendered once per page and kept by the process. Each
link is built through the router (~13 a page), which cost ~0.5 ms of every HTML page for text that
changes only with the page's own extra assets and the app's mount point. The CSP nonce, new every
request, is kept as a placeholder and put back in."""

from flask import g, request
from markupsafe import Markup

from services.platform import cache

NONCE_SLOT = "\x00nonce\x00"
KEPT_MAX = 1_000
_kept = cache.keyed("layout links", limit=KEPT_MAX)


def _key(block, admin_view):
    return block, admin_view.endpoint, request.script_root


def kept_assets(block, admin_view):
    """The block as rendered for this page before, with this request's nonce, or None."""
    html, nonce = _kept.get(_key(block, admin_view)), g.get("csp_nonce")
    if html is None or not nonce:
        return None
    return Markup(html.replace(NONCE_SLOT, nonce))  # noqa: S704 - the layout's own render, kept


def keep_assets(block, admin_view, html):
    nonce = g.get("csp_nonce")
    if nonce:
        _kept.keep(_key(block, admin_view), str(html).replace(nonce, NONCE_SLOT))
    return html


def init_app(app):
    app.add_template_global(kept_assets, "kept_assets")
    app.add_template_global(keep_assets, "keep_assets")
