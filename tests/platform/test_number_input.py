"""Numbers typed into the panel: ASCII digits with the locale's separators, a field error for the
digits of other scripts — in the transactions panel (services.platform.money) and in every number field of
the model forms, which the secured base view builds with the app's fields (admin_views/model_forms.py)."""

from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, Form, IntegerField
from wtforms.fields.core import UnboundField

from extensions import admin, db
from forms.platform.numbers import DecimalNumberField, WholeNumberField
from models.cards.card import Transaction
from models.cards.directory import Bank
from models.exports.export import ExportSchedule
from models.platform.org import Position
from tests.conftest import csrf_token
from tests.factories.cards import TX, make_card, put_on
from tests.factories.platform import make_user
from tests.view_helpers import post_form, sign_in

ARABIC_5 = "\u0665"  # '٥', which Decimal() and int() read as 5


@pytest.fixture
def web(app):
    return sign_in(app, make_user(role_code="owner", full_name="Olena Owner", language="en"))


def _new_bank(web, **fields):
    data = {"name": "Foreign Digits Bank", "code": "", "commission_percent": "0", "commission_fixed": "0"}
    data.update(fields)
    return post_form(web, "/admin/banks/new/", form_page="/admin/banks/new/", **data)


@pytest.mark.parametrize(
    "fields",
    [
        {"commission_percent": ARABIC_5},
        {"commission_percent": "\uff15"},  # full-width 5
        {"commission_fixed": "1\u0662.50"},
        {"commission_fixed": "NaN"},
        {"commission_fixed": "1e3"},
    ],
)
def test_a_bank_commission_in_other_digits_is_a_field_error(web, fields):
    response = _new_bank(web, **fields)
    assert response.status_code == 200 and "Enter a number in digits 0-9, e.g. 1250.50." in response.text
    assert db.session.scalars(select(Bank)).all() == []


def test_a_bank_commission_takes_the_locales_separators(web):
    response = _new_bank(web, commission_percent="1,5", commission_fixed="1 250,50")
    assert response.status_code == 302, response.text
    bank = db.session.scalars(select(Bank)).one()
    assert (bank.commission_percent, bank.commission_fixed) == (Decimal("1.50"), Decimal("1250.50"))


@pytest.mark.parametrize(
    ("rank", "error"),
    [
        (ARABIC_5, "Enter a whole number in digits 0-9, e.g. 15."),
        ("99999999999", "Enter a whole number between -2147483648 and 2147483647."),
    ],
)
def test_a_whole_number_in_other_digits_or_beyond_an_integer_is_a_field_error(web, rank, error):
    role = db.session.scalars(select(Position)).first().role_id
    data = {"code": "tester", "name_uk": "Тестувальник", "name_ru": "", "name_en": "", "rank": rank, "role": role}
    response = post_form(web, "/admin/positions/new/", form_page="/admin/positions/new/", **data)
    assert response.status_code == 200 and error in response.text
    assert db.session.scalars(select(Position).where(Position.code == "tester")).all() == []


def test_an_overridden_number_field_follows_the_same_rule(web):
    """The scheduled exports' day of the month is a form_overrides IntegerField."""
    data = {
        "list_key": "banks",
        "filters": "",
        "period": "monthly",
        "weekday": "",
        "month_day": ARABIC_5,
        "send_time": "08:00",
        "recipients": "boss@example.com",
        "is_active": "y",
    }
    response = post_form(web, "/admin/export-schedules/new/", form_page="/admin/export-schedules/new/", **data)
    assert response.status_code == 200 and "Enter a whole number in digits 0-9, e.g. 15." in response.text
    assert db.session.scalars(select(ExportSchedule)).all() == []


def test_a_transaction_in_other_digits_is_a_field_error(web):
    card = put_on(make_card(), "fund_card")
    data = dict(TX, amount="\u0661\u0662\u0663", csrf_token=csrf_token(web, "/admin/cards/"))
    response = web.post(f"/admin/cards/{card.id}/transactions", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 400 and set(response.json["errors"]) == {"amount"}
    assert db.session.scalars(select(Transaction)).all() == []


def _fields(form_class):
    """(form name, field name, field class) of a form class and of the forms it nests (inline models)."""
    for name in dir(form_class):
        field = getattr(form_class, name)
        if not isinstance(field, UnboundField):
            continue
        yield form_class.__name__, name, field.field_class
        for nested in (*field.args, *field.kwargs.values()):
            if isinstance(nested, type) and issubclass(nested, Form):
                yield from _fields(nested)


def test_every_model_form_uses_the_apps_number_fields():
    forms = [
        form
        for view in admin._views
        for form in (getattr(view, "_create_form_class", None), getattr(view, "_edit_form_class", None))
        if form is not None
    ]
    fields = [entry for form in forms for entry in _fields(form)]
    plain = [(form, name) for form, name, field in fields if field in (IntegerField, DecimalField)]
    assert plain == []
    ours = {(form, name) for form, name, field in fields if field in (WholeNumberField, DecimalNumberField)}
    assert {("BankForm", "commission_percent"), ("PositionForm", "rank"), ("StageFieldForm", "position")} <= ours
    assert ("ExportScheduleForm", "month_day") in ours


@pytest.mark.parametrize(
    "fields",
    [
        {"commission_percent": "100.01"},
        {"commission_percent": "-1"},
        {"commission_fixed": "10000000000000"},  # past NUMERIC(14, 2): the database would refuse it
        {"commission_fixed": "-0.01"},
    ],
)
def test_a_bank_commission_beyond_what_its_column_takes_is_a_field_error(web, fields):
    response = _new_bank(web, **fields)
    assert response.status_code == 200 and "Number must be between" in response.text
    assert db.session.scalars(select(Bank)).all() == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("deadline_days", "2147483647"),
        ("deadline_days", "-1"),
        ("periodic_interval_days", "0"),
        ("periodic_interval_days", "99999"),
    ],
)
def test_a_stage_deadline_or_period_past_ten_years_is_a_field_error(app, column, value):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = admin_view("stages").create_form()
        field = getattr(form, column)
        field.process(MultiDict({column: value}))
        assert not field.validate(form)
        assert "Number must be between" in " ".join(map(str, field.errors))
        field.process(MultiDict({column: "30"}))
        assert field.validate(form), field.errors


def admin_view(endpoint):
    return next(view for view in admin._views if getattr(view, "endpoint", None) == endpoint)
