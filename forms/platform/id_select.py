"""A many-to-one select over (id, label) rows: the form's replacement for Flask-Admin's
QuerySelectField, which loads every choice as an ORM object (each with its eager relations) and
renders each option through wtforms' generic attribute code — most of a card form's time."""

import html

import sqlalchemy as sa
from markupsafe import Markup
from wtforms import SelectFieldBase
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from extensions import db
from services.platform.errors import parse_id

BLANK = "__None"  # what Flask-Admin's selects send for "none" (its select2 script knows it)
_UNRESOLVED = object()


def options_html(choices, selected=None):
    """The <option>s of (value, label) rows, the one whose value is `selected` selected (compared as
    text, so an id chosen from a query string matches); values and labels escaped."""
    escape = html.escape
    chosen = "" if selected is None else str(selected)
    parts = []
    for value, label in choices:
        value = str(value)
        mark = " selected" if chosen and value == chosen else ""
        parts.append(f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>')
    return "".join(parts)


class IdSelect2Widget:
    """Flask-Admin's Select2Widget markup (data-role="select2"), the options built in one pass."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("data-role", "select2")
        if field.allow_blank:
            kwargs["data-allow-blank"] = "1"
        if field.flags.required and "required" not in kwargs:
            kwargs["required"] = True
        blank = ""
        if field.allow_blank:
            selected = " selected" if field.chosen_id is None else ""
            blank = f'<option value="{BLANK}"{selected}>{html.escape(str(field.blank_text))}</option>'
        options = options_html(field.shown_choices(), field.chosen_id)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{blank}{options}</select>")  # noqa: S704


class IdSelectField(SelectFieldBase):
    """`data` is the related object (what populate_obj sets on the model); the form shows and checks
    ids. `choices`: a callable giving [(id, label)], called when the form is shown or checked. The
    object's current value is valid even when no longer among the choices (a card keeps its blocked
    agent until someone picks another), and shown as an extra option then."""

    widget = IdSelect2Widget()

    def __init__(
        self, label=None, validators=None, choices=None, model=None, allow_blank=False, blank_text="", **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.choices_factory, self.model = choices, model
        self.allow_blank, self.blank_text = allow_blank, blank_text
        self.chosen_id, self._initial = None, None
        self._data, self._bad_input = None, False

    def _get_data(self):
        if self._data is _UNRESOLVED:
            self._data = db.session.get(self.model, self.chosen_id)
        return self._data

    def _set_data(self, value):
        self._data = value
        self.chosen_id = getattr(value, "id", None)

    data = property(_get_data, _set_data)

    def process_data(self, value):
        self.data = value
        self._initial = value

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip()
        self._bad_input = False
        if raw in (BLANK, ""):
            self._data, self.chosen_id = None, None
        elif parse_id(raw) is not None:
            self._data, self.chosen_id = _UNRESOLVED, parse_id(raw)
        else:
            self._data, self.chosen_id, self._bad_input = None, None, True

    def shown_choices(self):
        choices = self.choices_factory()
        initial = self._initial
        if initial is not None and all(choice_id != initial.id for choice_id, _label in choices):
            return [(initial.id, str(initial)), *choices]
        return choices

    def iter_choices(self):
        if self.allow_blank:
            yield (BLANK, self.blank_text, self.chosen_id is None, {})
        for choice_id, label in self.shown_choices():
            yield (str(choice_id), label, choice_id == self.chosen_id, {})

    def populate_obj(self, obj, name):
        """The object and its foreign key: set only the relationship, the key would change at the
        flush, after the change log has looked for changed columns (services.platform.audit)."""
        related = self.data
        setattr(obj, name, related)
        relationship = sa.inspect(type(obj)).relationships.get(name)
        if relationship is None:
            return
        mapper = sa.inspect(type(obj))
        for local, remote in relationship.local_remote_pairs:
            key = mapper.get_property_by_column(local).key
            setattr(obj, key, None if related is None else getattr(related, remote.key))

    def pre_validate(self, form):
        if self._bad_input or (self.chosen_id is None and not self.allow_blank):
            raise ValidationError(self.gettext("Not a valid choice."))
        if self.chosen_id is not None and all(choice_id != self.chosen_id for choice_id, _l in self.shown_choices()):
            raise ValidationError(self.gettext("Not a valid choice."))
