"""The options of a filter's select, built in one pass: the archive's five selects offer ~90 people,
banks and suppliers, and the template's loop (two escapes and a comparison an option) cost a few
milliseconds of every archive page."""

import html

from markupsafe import Markup


def select_options(choices, chosen=None):
    """<option>s of (value, label) pairs, the one whose value is `chosen` (compared as text) selected."""
    escape = html.escape
    chosen = "" if chosen is None else str(chosen)
    parts = []
    for value, label in choices:
        value = str(value)
        selected = " selected" if chosen and value == chosen else ""
        parts.append(f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>')
    # Markup of escaped values only: the values and labels went through html.escape.
    return Markup("".join(parts))  # noqa: S704


def init_app(app):
    app.add_template_global(select_options, "select_options")
