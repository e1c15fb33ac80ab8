from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from forms.platform.profile import timezone_choices
from services.clients.operations import TEXT_LIMITS

LANGUAGE_CHOICES = (("uk", "Українська"), ("ru", "Русский"), ("en", "English"))


def _text(label, name, *validators):
    return StringField(label, validators=[*validators, Length(max=TEXT_LIMITS[name])])


class ClientForm(FlaskForm):
    """A client's fields. The service checks and normalises them (phones, e-mail, the people and the
    referrer among the user's); the view fills the choices of the selects."""

    full_name = _text(_l("Name"), "full_name", DataRequired(message=_l("Enter the client's name.")))
    phone = _text(_l("Phone"), "phone", Optional())
    phone_other = _text(_l("Other phone"), "phone_other", Optional())
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=TEXT_LIMITS["email"])])
    messenger = _text(_l("Messenger"), "messenger", Optional())
    country = _text(_l("Country"), "country", Optional())
    timezone = SelectField(
        _l("Time zone"), choices=timezone_choices, default="Europe/Kyiv", render_kw={"data-role": "select2"}
    )
    source = _text(_l("Source"), "source", Optional())
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="uk")
    office_id = SelectField(_l("Office"), validators=[Optional()])
    responsible_id = SelectField(_l("Responsible employee"), validators=[Optional()])
    # The referrer picker's choice (static/js/subject_picker.js): the id of one of the user's clients.
    referrer_id = StringField(_l("Referred by"), validators=[Optional(), Length(max=20)], widget=HiddenInput())
    tags = _text(_l("Tags"), "tags", Optional())
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def values(self):
        """The fields as the service takes them."""
        return {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "version")}
