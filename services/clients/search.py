"""What a search for a client looks for, on the board and in the list: a part of his name in any
case, of a phone however typed, or of the e-mail."""

from sqlalchemy import or_

from models.clients import Client
from services.platform import phones
from services.platform.like import containing


def name_or_phone(term):
    """The condition of the clients `term` finds."""
    phone = containing(phones.searched(term))
    return or_(
        Client.full_name.ilike(containing(term), escape="\\"),
        Client.phone.like(phone, escape="\\"),
        Client.phone_other.like(phone, escape="\\"),
        Client.email.like(containing(term.lower()), escape="\\"),
    )


def picked(term):
    """A picker's condition (services.pipeline.subjects.choices): what `term` finds, from two characters."""
    term = " ".join((term or "").split())[:64]
    return name_or_phone(term) if len(term) >= 2 else None
