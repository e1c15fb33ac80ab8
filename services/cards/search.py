"""What a search for a card looks for, shared by the archive's filters and the tracker's search box:
LIKE patterns, escaped, for a part of the contact's name and of the phone (a number's: card_numbers)."""

from services.platform import phones
from services.platform.like import containing  # noqa: F401 (card_numbers and the tracker import it from here)


def contact_patterns(term):
    """(the contact name's ILIKE pattern, the phone's: its digits however typed)."""
    return containing(term), containing(phones.searched(term))
