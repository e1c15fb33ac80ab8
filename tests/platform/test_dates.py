"""The one date rule (services/platform/dates.py) and the services that parse dates by it: stage fields,
transactions, task filters and deadlines, the financial report's period."""

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField

from extensions import db
from services import pipeline
from services.cards import operations as cards
from services.finance import report as finance
from services.platform import dates
from services.tasks import auto_tasks
from services.tasks import lists as task_lists
from services.tasks import operations as tasks
from tests.factories.cards import TX, make_card, put_on, walk_to
from tests.factories.platform import make_user

RANGE_MESSAGE = "Enter a date between 2000-01-01 and 2100-12-31."


def english(message):
    with force_locale("en"):
        return str(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11-23", date(2026, 11, 23)), (" 2000-01-01 ", date(2000, 1, 1)), ("2100-12-31", date(2100, 12, 31))],
)
def test_dates_in_the_range_are_taken(text, expected):
    assert dates.parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "  ", None])
def test_a_blank_date_is_none(text):
    assert dates.parse_date(text) is None


@pytest.mark.parametrize("text", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_dates_out_of_the_range_are_refused_saying_the_range(text):
    with pytest.raises(dates.DateOutOfRange) as refused:
        dates.parse_date(text)
    assert english(refused.value.message) == RANGE_MESSAGE


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-1-1", "20261123", "2026-W47-1", "2026-11-23T10:00", "\u0662\u0660\u0662\u0666-01-01"]
)
def test_anything_but_yyyy_mm_dd_in_ascii_digits_is_refused(text):
    with pytest.raises(dates.DateError) as refused:
        dates.parse_date(text)
    assert english(refused.value.message) == "Enter a date as YYYY-MM-DD."


def test_the_range_comes_from_the_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "DATE_MIN", date(2020, 1, 1))
    monkeypatch.setitem(app.config, "DATE_MAX", date(2030, 12, 31))
    assert dates.parse_date("2030-12-31") == date(2030, 12, 31)
    with pytest.raises(dates.DateOutOfRange) as refused:
        dates.parse_date("2031-01-01")
    assert english(refused.value.message) == "Enter a date between 2020-01-01 and 2030-12-31."
    # ...and every service follows it: the transaction of the same day is refused.
    with pytest.raises(cards.CardError) as refused:
        cards.parse_transaction(make_card(), dict(TX, date="2031-01-01"))
    assert set(refused.value.errors) == {"date"}


def test_date_times_are_checked_by_their_day():
    assert dates.check_date(datetime(2100, 12, 31, 23, 59)) == datetime(2100, 12, 31, 23, 59)
    assert dates.parse_datetime("2026-11-23 10:00:00") == datetime(2026, 11, 23, 10)
    for text in ("0001-01-01 00:00:00", "9999-12-31 23:59:59"):
        with pytest.raises(dates.DateOutOfRange):
            dates.parse_datetime(text)
    with pytest.raises(dates.DateError):
        dates.parse_datetime("\u0662\u0660\u0662\u0666-11-23 10:00:00")


class DayForm(FlaskForm):
    class Meta:
        csrf = False

    day = DateField(validators=[dates.DateInRange()])


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("2026-11-23", None),
        ("0001-01-01", RANGE_MESSAGE),
        ("9999-12-31", RANGE_MESSAGE),
        ("\u0662\u0660\u0662\u0666-11-23", "Enter a date as YYYY-MM-DD."),  # strptime takes these digits
    ],
)
def test_the_validator_gives_a_field_error(app, typed, error):
    with app.test_request_context(), force_locale("en"):
        form = DayForm(formdata=MultiDict({"day": typed}))
        assert form.validate() is (error is None)
        assert form.day.errors == ([] if error is None else [error])


# --- the services ---------------------------------------------------------------------------------


def test_a_stage_date_of_year_one_is_a_field_error_and_the_card_does_not_move():
    owner = make_user(role_code="owner")
    card = make_card()
    target = card.stage.allowed_targets[0]
    with pytest.raises(pipeline.MoveError) as refused, force_locale("en"):
        pipeline.move(card, target, {"bank_login_done": "1", "linked_on": "0001-01-01"}, owner, card.version)
    assert refused.value.status == 422 and refused.value.errors == {"linked_on": RANGE_MESSAGE}
    db.session.expire_all()
    assert card.stage.code == "linking_access"


def test_a_bank_answer_dated_year_one_never_reaches_the_card():
    """The finding: an answer of 0001-01-01 put the card's profit where the report cannot look."""
    owner = make_user(role_code="owner")
    card = make_card()
    walk_to(card, "bank_check", owner)
    values = {"answer_received": "yes", "answer_date": "0001-01-01", "answer_text": "Approved"}
    with pytest.raises(pipeline.MoveError) as refused, force_locale("en"):
        pipeline.move(card, card.stage.allowed_targets[0], values, owner, card.version)
    assert refused.value.errors == {"answer_date": RANGE_MESSAGE}
    db.session.expire_all()
    assert card.bank_answer_date is None


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_transaction_out_of_the_range_says_the_range(day):
    card = put_on(make_card(), "fund_card")
    with pytest.raises(cards.CardError) as refused:
        cards.parse_transaction(card, dict(TX, date=day))
    assert {name: english(message) for name, message in refused.value.errors.items()} == {"date": RANGE_MESSAGE}


@pytest.mark.parametrize("name", ["from", "to"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_task_period_filters_out_of_the_range_are_filter_errors(name, day):
    for filters in (task_lists.TaskFilters.from_args({name: day}), auto_tasks.AutoFilters.from_args({name: day})):
        assert {key: english(message) for key, message in filters.errors.items()} == {name: RANGE_MESSAGE}


def test_a_task_deadline_follows_the_same_range():
    owner = make_user(role_code="owner")
    with pytest.raises(tasks.TaskError) as refused:
        tasks.create(owner, title="Far away", assignee_id=owner.id, deadline=datetime(2150, 1, 1))
    assert {key: english(message) for key, message in refused.value.errors.items()} == {"deadline": RANGE_MESSAGE}


def test_the_financial_report_period_follows_the_same_range():
    with pytest.raises(finance.FinanceError) as refused:
        finance.parse_period({"from": "0001-01-01", "to": "2026-01-31"}, date(2026, 1, 15))
    assert {key: english(message) for key, message in refused.value.errors.items()} == {"from": RANGE_MESSAGE}
