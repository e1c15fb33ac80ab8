from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from services.platform.passwords import MIN_LENGTH

LANGUAGE_CHOICES = [("uk", "Українська"), ("ru", "Русский"), ("en", "English")]
_TIMEZONES = sorted(available_timezones())


def timezone_choices():
    return [(zone, zone) for zone in _TIMEZONES]


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=160)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=160)])
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\+?[0-9 ()\-]{5,40}$", message=_l("Digits, spaces, brackets and dashes only.")),
        ],
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = SelectField(_l("Time zone"), choices=timezone_choices)


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
    )


class TotpConfirmForm(FlaskForm):
    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(min=6, max=8)])


class TotpDisableForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    code = StringField(_l("Code from the app or a recovery code"), validators=[DataRequired(), Length(max=32)])
