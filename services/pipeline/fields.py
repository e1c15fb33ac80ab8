"""The values of a stage's modal fields: each parsed by its type, checked against its spec."""

from sqlalchemy.orm import lazyload

from extensions import db
from models.platform.user import User
from services.pipeline.people import may_take
from services.pipeline.spec import condition_holds
from services.platform import dates, money
from services.platform.errors import parse_id

TRUE_WORDS = {"1", "true", "on", "yes", "y"}


def _parse(spec, raw, subject, to_stage, required):
    """(value for JSON, error message or None) for one field of the spec, in a move of `subject`
    to `to_stage`."""
    from flask_babel import gettext as _

    text = "" if raw is None else str(raw).strip()
    if spec.type == "bool":
        value = text.lower() in TRUE_WORDS
        if required and not value:
            return None, _("Confirm this step.")
        return value, None
    if not text:
        return None, (_("Required.") if required else None)
    if len(text) > 2000:
        return None, _("Too long.")
    if spec.type == "text":
        return text, None
    if spec.type in ("number", "money"):
        try:
            return format(money.parse_money(text), "f"), None
        except money.MoneyError:
            return None, _("Enter an amount, e.g. 1250.50.")
    if spec.type == "date":
        try:
            return dates.parse_date(text).isoformat(), None
        except dates.DateError as error:
            return None, str(error.message)
    if spec.type == "choice":
        allowed = {value for value, _label in spec.choice_list()}
        return (text, None) if text in allowed else (None, _("Choose one of the options."))
    if spec.type == "user":
        person_id = parse_id(text)
        user = db.session.get(User, person_id, options=[lazyload("*")]) if person_id else None
        if user is None or not user.is_active:
            return None, _("Choose an active person.")
        if not may_take(user, subject, to_stage):
            return None, _("Choose one of the people offered for the next stage.")
        return user.id, None
    return None, _("Unknown field type.")


def is_required(spec, raw_values, to_stage=None):
    """A field is required always (`required`), or when another field has a value or the move goes to
    a given stage (`required_if`)."""
    if spec.required_if:
        return condition_holds(spec.required_if, raw_values, to_stage)
    return spec.required


def validate(stage, raw_values, subject, to_stage, step=False):
    """The values of `stage`'s modal fields for a move of `subject` to `to_stage`, or for an in-stage
    `step` (which records what is entered and requires nothing): (clean, errors)."""
    clean, errors = {}, {}
    for spec in stage.fields:
        if spec.required_if and not condition_holds(spec.required_if, raw_values, None if step else to_stage):
            continue  # asked only on another answer or move (hidden in the modal): what it holds means nothing
        required = not step and is_required(spec, raw_values, to_stage)
        value, error = _parse(spec, raw_values.get(spec.name), subject, to_stage, required)
        if error:
            errors[spec.name] = error
        elif value is not None:
            clean[spec.name] = value
    return clean, errors
