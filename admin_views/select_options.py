"""The options of a filter's select as a template global: the archive's five selects offer ~90
people, banks and suppliers, and a Jinja loop (two escapes and a comparison an option) cost a few
milliseconds of every archive page. The options are the form fields' own (forms.platform.id_select)."""

from markupsafe import Markup

from forms.platform.id_select import options_html


def select_options(choices, chosen=None):
    """<option>s of (value, label) pairs, the one whose value is `chosen` (compared as text) selected."""
    return Markup(options_html(choices, chosen))  # noqa: S704 - options_html escapes values and labels


def init_app(app):
    app.add_template_global(select_options, "select_options")
