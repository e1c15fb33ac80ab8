"""Numbers as people type them (services/platform/numbers.py) and money (services/platform/money.py): ASCII digits
with the usual separators; the digits of other scripts, exponents and NaN are refused."""

from decimal import Decimal as D

import pytest

from services import pipeline
from services.cards import operations as cards
from services.platform import money
from services.platform.numbers import NumberError, parse_decimal, parse_whole
from tests.factories.cards import TX, make_card, put_on, walk_to
from tests.factories.platform import make_user

FOREIGN = [
    "\u0661\u0662\u0663",  # Arabic-Indic 123
    "\u06f1\u06f2\u06f3",  # Extended Arabic-Indic 123
    "\u0967\u0968\u0969",  # Devanagari 123
    "\uff11\uff12\uff13",  # full-width 123
    "1\u0662.50",  # one foreign digit among ASCII ones
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234.50", D("1234.50")),
        ("1234,5", D("1234.5")),
        ("1 234,50", D("1234.50")),
        ("1\u00a0234.50", D("1234.50")),
        ("1\u202f234\u202f567.5", D("1234567.5")),  # as money_text shows amounts
        (" 15 ", D("15")),
        (".5", D("0.5")),
        ("-2.5", D("-2.5")),
    ],
)
def test_decimals_in_ascii_digits_with_the_locales_separators(typed, expected):
    assert parse_decimal(typed) == expected


@pytest.mark.parametrize("typed", [*FOREIGN, "", "abc", "NaN", "Infinity", "1e3", "1,234.50", "1_000", "9" * 41])
def test_anything_else_is_not_a_decimal(typed):
    with pytest.raises(NumberError):
        parse_decimal(typed)


def test_whole_numbers():
    assert parse_whole("15") == 15
    assert parse_whole("1 000") == 1000
    assert parse_whole("-3") == -3
    for typed in [*FOREIGN, "", "1.0", "1,5", "abc", "9" * 5000]:
        with pytest.raises(NumberError):
            parse_whole(typed)


@pytest.mark.parametrize("typed", FOREIGN)
def test_money_in_foreign_digits_is_refused(typed):
    """The finding: '١٢٣' was stored as 123.00."""
    with pytest.raises(money.MoneyError):
        money.parse_money(typed)


@pytest.mark.parametrize("typed", ["1e3", "1E2", "+1e1"])
def test_money_with_an_exponent_is_refused(typed):
    with pytest.raises(money.MoneyError):
        money.parse_money(typed)


def test_money_still_takes_what_people_type():
    assert money.parse_money("1 234,5") == D("1234.50")
    assert money.parse_money("1\u202f234.50") == D("1234.50")
    assert money.parse_money(D("7.1")) == D("7.10")


def test_a_transaction_in_foreign_digits_is_a_field_error():
    card = put_on(make_card(), "fund_card")
    with pytest.raises(cards.CardError) as refused:
        cards.parse_transaction(card, dict(TX, amount="\u0661\u0662\u0663", commission_rate="\u0661"))
    assert set(refused.value.errors) == {"amount", "commission_rate"}


def test_a_stage_money_field_in_foreign_digits_is_a_field_error():
    owner = make_user(role_code="owner")
    card = make_card()
    walk_to(card, "promo_top_up", owner)
    values = {"amount": "\u0661\u0662\u0663", "topped_up_on": "2026-03-01"}
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, card.stage.allowed_targets[0], values, owner, card.version)
    assert set(refused.value.errors) == {"amount"}
