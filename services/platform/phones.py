"""Phone numbers: kept in one form, +380XXXXXXXXX for a Ukrainian number, so that a search finds a
number however it is typed: "+380 67 123", "067 123", "(067) 123-45-67"."""

import re

_PHONE_LIKE = re.compile(r"[\d\s()+\-.]+")


def normalized(text):
    """The stored form: a Ukrainian number as +380 and its nine digits; any other number as typed,
    without the spaces, brackets and dashes between its digits; text that is no number as it is."""
    text = (text or "").strip()
    if not _PHONE_LIKE.fullmatch(text):
        return text
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10 and digits.startswith("0"):
        return "+38" + digits
    if len(digits) == 12 and digits.startswith("380"):
        return "+" + digits
    return ("+" if text.startswith("+") else "") + digits


def searched(term):
    """What to look for in the stored phones for a search term: the digits of a phone-like term, a
    national "0…" read as "380…"; any other term as it is (a name)."""
    term = (term or "").strip()
    if not _PHONE_LIKE.fullmatch(term) or sum(ch.isdigit() for ch in term) < 3:
        return term
    digits = re.sub(r"\D", "", term)
    return "38" + digits if digits.startswith("0") else digits
