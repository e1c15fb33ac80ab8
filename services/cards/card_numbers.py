"""Card numbers as payment data. The full number is kept only sealed (services/platform/sealed.py),
with a keyed hash of its digits that keeps numbers unique; in clear a card holds its masked form,
"5168 75** **** 1001" (the first six and the last four digits), which every page, export, log and
socket message shows. The full number is read by `revealed` alone: for a role granted
cards.reveal_number, each reading written to the change log."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from extensions import db
from models.cards.card import Card
from services.cards.search import contact_patterns, containing
from services.platform import access, audit, sealed

REVEAL = "cards.reveal_number"
PURPOSE = "card number"
MIN_DIGITS, MAX_DIGITS = 12, 19
MASK = "*"
_TYPED_APART = re.compile(r"[\s\-]")  # how people split a number they type: spaces and dashes
_SEARCHED = re.compile(r"[\d*]+")


class NumberError(ValueError):
    """A typed card number that cannot be one; `message` tells the person why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def luhn_valid(digits):
    """The check digit every payment card number ends with (ISO/IEC 7812): catches a mistyped digit
    and most swapped neighbours."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def full_digits(text):
    """The digits of a full card number typed with any spaces or dashes, else NumberError."""
    digits = _TYPED_APART.sub("", text or "")
    if not digits:
        raise NumberError(_l("Enter the card number."))
    if not digits.isdigit():
        raise NumberError(_l("A card number is made of digits only."))
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise NumberError(_l("A card number has %(low)s to %(high)s digits.", low=MIN_DIGITS, high=MAX_DIGITS))
    if not luhn_valid(digits):
        raise NumberError(_l("This is not a valid card number: check the digits."))
    return digits


def grouped(text):
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def masked(digits):
    """The masked form "5168 75** **** 1001": the first six and the last four digits in clear."""
    return grouped(digits[:6] + MASK * (len(digits) - 10) + digits[-4:])


def lookup_hash(digits):
    return sealed.lookup_hash(digits, PURPOSE)


def assign(card, text):
    """Give `card` the full number typed as `text`: sealed, hashed and masked (NumberError if it is
    not a card number). Another card's number fails the unique hash at the flush."""
    digits = full_digits(text)
    card.number = masked(digits)
    card.number_sealed = sealed.seal(digits, PURPOSE)
    card.number_hash = lookup_hash(digits)


def taken(digits, other_than=None):
    """Whether another card (deleted ones too: the number stays theirs) has this number."""
    query = select(Card.id).where(Card.number_hash == lookup_hash(digits))
    if other_than is not None:
        query = query.where(Card.id != other_than)
    return db.session.scalar(query.limit(1)) is not None


def may_reveal(user):
    return access.can(user, REVEAL)


def revealed(card, by):
    """The full number of `card`, grouped by four, for `by` who holds the reveal permission; the
    reading goes to the change log with the caller's commit. None when only the masked form was ever
    recorded (cards entered before numbers were kept sealed, with their middle digits already hidden)."""
    if not may_reveal(by):
        raise PermissionError(REVEAL)
    if card.number_sealed is None:
        return None
    audit.record_event(db.session, card, "reveal", "number")
    return grouped(sealed.unseal(card.number_sealed, PURPOSE))


def searched(term):
    """What a search term holds of a card number: its digits and masks, spaces and dashes dropped;
    None for a term that is not a number's part ("Анна")."""
    compact = _TYPED_APART.sub("", term or "")
    return compact if compact and _SEARCHED.fullmatch(compact) and any(ch.isdigit() for ch in compact) else None


def masked_in_args(args, name):
    """The query's arguments with a full card number in `name` replaced by its masked form, or None
    when there is none: a full number stays out of addresses, pages, logs and saved filters."""
    compact = searched(args.get(name, ""))
    if not compact or not compact.isdigit():
        return None
    try:
        digits = full_digits(compact)
    except NumberError:
        return None
    return {**args.to_dict(), name: masked(digits)}


def matching(term):
    """The condition "the card's number holds `term`": any run of the digits people see (the first
    six, the last four: a run never spans the mask), the masked form as shown, or the full number by
    its hash. None when the term is no number's part."""
    compact = searched(term)
    if compact is None:
        return None
    condition = COMPACT_NUMBER.like(containing(compact), escape="\\")
    hashed = full_number_hash(compact)
    return condition if hashed is None else or_(condition, Card.number_hash == hashed)


def full_number_hash(compact):
    """The lookup hash of a searched term that may be a whole number (its digits only), else None."""
    return lookup_hash(compact) if compact.isdigit() and MIN_DIGITS <= len(compact) <= MAX_DIGITS else None


# The masked number without its spaces, "516875******1001": on PostgreSQL a trigram index serves LIKE on it.
COMPACT_NUMBER = func.replace(Card.number, " ", "")


def picked(term):
    """The condition of a card picker (the task form's card): any run of the number's digits shown,
    or a part of the contact's name or phone."""
    term = (term or "").strip()[:64]
    if not term:
        return None
    name, phone = contact_patterns(term)
    number = matching(term)
    contact = or_(Card.contact_name.ilike(name, escape="\\"), Card.contact_phone.ilike(phone, escape="\\"))
    return contact if number is None else or_(number, contact)
