"""Numbers as people type them: ASCII digits, spaces (plain, no-break or narrow no-break) between the
thousands, a comma or a dot before the decimals. Python's int() and Decimal() take the digits of
any script ('١٢٣' is 123) and exponents; these parsers take ASCII digits only. Money
(services/platform/money.py) and every number field of the forms (forms/platform/numbers.py) parse with them."""

import re
from decimal import Decimal

SPACES = str.maketrans("", "", " \u00a0\u202f")
DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
WHOLE_RE = re.compile(r"[+-]?[0-9]+")
MAX_LENGTH = 40  # far beyond any amount or count; int() of thousands of digits is refused or slow


class NumberError(ValueError):
    pass


def _compact(text):
    compact = str(text if text is not None else "").strip().translate(SPACES)
    if len(compact) > MAX_LENGTH:
        raise NumberError("too long")
    return compact


def parse_decimal(text):
    """'1 234,5' or '1234.50' → Decimal('1234.5'); anything else → NumberError."""
    compact = _compact(text)
    if not DECIMAL_RE.fullmatch(compact):
        raise NumberError("not a number")
    return Decimal(compact.replace(",", "."))


def parse_whole(text):
    """'15' or '1 000' → int; anything else (decimals included) → NumberError."""
    compact = _compact(text)
    if not WHOLE_RE.fullmatch(compact):
        raise NumberError("not a whole number")
    return int(compact)
