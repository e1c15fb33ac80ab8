"""Money: Decimal end to end, one rounding rule, one place that computes a card's figures."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from services.platform.numbers import NumberError, parse_decimal

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
# Money that comes in to the company's side of the card vs. money that goes out.
SIGN = {"top_up": Decimal(1), "work_off": Decimal(1), "fee": Decimal(-1), "refund": Decimal(-1)}


class MoneyError(ValueError):
    pass


def round_money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text, allow_negative=False):
    """'1 234,5' or '1234.50' → Decimal('1234.50'); anything else (digits of other scripts, exponents
    included) → MoneyError."""
    if isinstance(text, Decimal):
        value = text
    else:
        if not str(text or "").strip():
            raise MoneyError("empty")
        try:
            value = parse_decimal(text)
        except NumberError:
            raise MoneyError("not a number") from None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise MoneyError("at most two decimal places")
    if abs(value) > MAX_AMOUNT or (value < 0 and not allow_negative):
        raise MoneyError("out of range")
    return round_money(value)


def commission_of(amount, kind, rate):
    if kind == "percent":
        return round_money(amount * rate / Decimal(100))
    if kind == "fixed":
        return round_money(rate)
    raise MoneyError("unknown commission kind")


@dataclass(frozen=True)
class CardFigures:
    total: Decimal
    commission: Decimal
    profit: Decimal


def card_figures(transactions):
    """total = signed sum of amounts; commission = sum of commissions; profit = total − commission."""
    total = sum((SIGN[t.type] * t.amount for t in transactions), Decimal("0.00"))
    commission = sum((t.commission for t in transactions), Decimal("0.00"))
    return CardFigures(
        total=round_money(total), commission=round_money(commission), profit=round_money(total - commission)
    )


def money_text(value):
    """1234567.5 → '1 234 567.50' (narrow no-break spaces), as static/js/card_transactions.js does."""
    return f"{round_money(value):,.2f}".replace(",", "\u202f")
