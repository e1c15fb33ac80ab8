"""How every model form of the panel is built (admin_views.base.SecuredModelView): Flask-Admin's
converter, with the app's number fields wherever it would put WTForms' own (a column's converter,
a view's form_overrides, an inline model's form), the app's date rule on every date field, and
every number held to what its column takes: a NUMERIC's digits, and the range a column declares
in its `info` (e.g. a stage's deadline in days), so no number is refused by the database."""

from decimal import Decimal

import sqlalchemy as sa
from flask_admin.contrib.sqla.form import AdminModelConverter
from wtforms import DateTimeField, DecimalField, IntegerField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

from forms.platform.numbers import DecimalNumberField, WholeNumberField
from services.platform.dates import DateInRange

NUMBER_FIELDS = {IntegerField: WholeNumberField, DecimalField: DecimalNumberField}


def with_app_rules(field):
    """An unbound form field as the app takes input: its own number fields, its date rule
    (DateTimeField covers DateField and DateTimeLocalField)."""
    if not isinstance(field, UnboundField):
        return field
    if field.field_class in NUMBER_FIELDS:
        return NUMBER_FIELDS[field.field_class](*field.args, **field.kwargs)
    if issubclass(field.field_class, DateTimeField):
        validators = list(field.kwargs.get("validators") or ())
        if not any(isinstance(validator, DateInRange) for validator in validators):
            return field.field_class(*field.args, **{**field.kwargs, "validators": [*validators, DateInRange()]})
    return field


def column_range(column):
    """(min, max) a number column takes: declared in its info, else a NUMERIC's precision; or None."""
    declared = column.info.get("range")
    if declared:
        return declared
    kind = column.type
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float) and kind.precision:
        scale = kind.scale or 0
        largest = Decimal(10) ** (kind.precision - scale) - Decimal(1).scaleb(-scale)
        return -largest, largest
    return None


def within_column(field, prop):
    columns = getattr(prop, "columns", None)
    if not isinstance(field, UnboundField) or not columns or field.field_class not in NUMBER_FIELDS.values():
        return field
    bounds = column_range(columns[0])
    if bounds is None:
        return field
    validators = [*(field.kwargs.get("validators") or ()), NumberRange(*bounds)]
    return field.field_class(*field.args, **{**field.kwargs, "validators": validators})


class ModelConverter(AdminModelConverter):
    def convert(self, model, mapper, name, prop, *args, **kwargs):
        field = with_app_rules(super().convert(model, mapper, name, prop, *args, **kwargs))
        return within_column(field, prop)
