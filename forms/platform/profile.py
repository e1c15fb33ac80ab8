from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from services.platform.passwords import MIN_LENGTH

LANGUAGE_CHOICES = [("uk", "Українська"), ("ru", "Русский"), ("en", "English")]
_TIMEZONES = sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")
# Where the company's people are: offered first.
COMMON_TIMEZONES = (
    "Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "Europe/London", "Europe/Chisinau", "Europe/Vilnius",
    "Europe/Istanbul", "Asia/Tbilisi", "Asia/Dubai", "America/New_York", "UTC",
)  # fmt: skip


def _offset_text(zone, now):
    minutes = int(now.astimezone(ZoneInfo(zone)).utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def timezone_choices():
    """Time zones as "(UTC+02:00) Europe/Kyiv" with today's offset: the common ones first, then all by
    offset; the field searches them (select2) by name or offset."""
    now = datetime.now(UTC)
    offsets = {zone: _offset_text(zone, now) for zone in _TIMEZONES}

    def labelled(zones):
        return [(zone, f"({offsets[zone]}) {zone}") for zone in zones]

    by_offset = sorted(_TIMEZONES, key=lambda zone: (now.astimezone(ZoneInfo(zone)).utcoffset(), zone))
    return {str(_l("Common")): labelled(COMMON_TIMEZONES), str(_l("All time zones")): labelled(by_offset)}


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
    timezone = SelectField(_l("Time zone"), choices=timezone_choices, render_kw={"data-role": "select2"})


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
