"""Rich text (DESIGN: a shared mechanism): Markdown as people write it, rendered to HTML that can
hold nothing active. markdown-it-py renders with raw HTML off and links limited to http, https,
mailto and relative paths; nh3 then keeps only an explicit list of tags and attributes, so what the
parser lets through by mistake is dropped too. Images are taken only from the app's own forum photo
addresses; links get rel="noopener noreferrer nofollow"."""

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {"p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
        "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"style"},
              "td": {"style"}}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
LINK_RE = re.compile(r"^(https?://|mailto:|/(?!/)|#|[^:/?#]+(?:[/?#]|$))", re.IGNORECASE)
OWN_PHOTO_RE = re.compile(r"^/admin/forum/photo/\d{1,18}(/thumb)?$")
ALIGN_RE = re.compile(r"^text-align:\s*(left|right|center)$")


def _validate_link(url):
    return bool(LINK_RE.match(url.strip()))


_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_parser.validateLink = _validate_link


def _attribute_filter(tag, attribute, value):
    if tag == "img" and attribute == "src":
        return value if OWN_PHOTO_RE.match(value) else None
    if tag == "a" and attribute == "href":
        return value if _validate_link(value) else None
    if attribute == "style":
        return value if ALIGN_RE.match(value) else None
    return value


def render(markdown_text):
    """Safe HTML (Markup) of a Markdown text: no raw HTML, no scripts, no event handlers, no
    javascript: or data: links, no outside images, no SVG."""
    html = _parser.render(str(markdown_text or ""))
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 (nh3 has just cleaned it by the allow-list above)


def plain(markdown_text, limit=300):
    """The text of a Markdown body with its marks left out, for snippets (to be escaped when shown)."""
    text = re.sub(r"[`*_>#\[\]()!~|-]+", " ", str(markdown_text or ""))
    return re.sub(r"\s+", " ", text).strip()[:limit]
