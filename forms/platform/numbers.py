"""The number fields of the forms: ASCII digits with the usual separators (services.platform.numbers), a field
error for anything else. WTForms' IntegerField and DecimalField parse with int() and Decimal(),
which take the digits of any script and "NaN"; the model forms of the panel get these instead
(admin_views/model_forms.py)."""

from flask_babel import gettext as _
from wtforms import DecimalField, IntegerField

from services.platform.numbers import NumberError, parse_decimal, parse_whole

# What an INTEGER column holds (PostgreSQL's is 32-bit).
WHOLE_MIN, WHOLE_MAX = -(2**31), 2**31 - 1


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        try:
            value = parse_whole(valuelist[0])
        except NumberError:
            raise ValueError(_("Enter a whole number in digits 0-9, e.g. 15.")) from None
        if not WHOLE_MIN <= value <= WHOLE_MAX:
            raise ValueError(_("Enter a whole number between %(min)s and %(max)s.", min=WHOLE_MIN, max=WHOLE_MAX))
        self.data = value


class DecimalNumberField(DecimalField):
    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        try:
            self.data = parse_decimal(valuelist[0])
        except NumberError:
            raise ValueError(_("Enter a number in digits 0-9, e.g. 1250.50.")) from None
