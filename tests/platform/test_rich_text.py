"""Rich text: Markdown rendered with nothing active left — no scripts, event handlers, javascript:
or data: links, SVG, or images from outside the app's forum photos."""

from html.parser import HTMLParser

import pytest

from services.platform.rich_text import render

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](java&#x09;script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    "![x](http://evil.example/pixel.png)",
    "![x](/admin/forum/photo/1/../../../profile/)",
    "<iframe src=//evil></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '[x](https://ok.example "t" onmouseover=alert(1))',
    "[x]: javascript:alert(1)\n\n[y][x]",
]
ACTIVE_TAGS = {"script", "svg", "iframe", "object", "embed", "style", "math", "form", "input", "div"}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html):
    parser = Elements()
    parser.feed(str(html))
    return parser.found


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_rendered_harmless(text):
    for tag, attributes in elements(render(text)):
        assert tag not in ACTIVE_TAGS, (text, tag)
        for name, value in attributes.items():
            assert not name.startswith("on"), (text, name)
            if name in ("href", "src"):
                assert value.startswith(("https://", "http://", "mailto:", "/")), (text, value)
            if name == "src":
                assert value.startswith("/admin/forum/photo/") and ".." not in value, (text, value)
            if name == "style":
                assert "url" not in value, (text, value)


def test_markdown_is_rendered_with_safe_links_and_own_photos():
    html = str(render("**bold** [site](https://example.com) ![p](/admin/forum/photo/5/thumb)"))
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in html
    assert '<img src="/admin/forum/photo/5/thumb" alt="p">' in html


def test_raw_html_is_shown_as_text():
    assert str(render("<b>x</b>")) == "<p>&lt;b&gt;x&lt;/b&gt;</p>\n"
