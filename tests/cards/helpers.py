"""Helpers of the cards section's page tests: the card form's fields, a JSON post with the page's
CSRF token, and a card read back from the database."""

from models.cards.card import Card
from tests.conftest import csrf_token
from tests.factories.cards import card_number
from tests.view_helpers import fresh


def card_form(team, **overrides):
    """The fields of the card form for a new card of `team`'s agent, manager and accountant."""
    data = {
        "number": card_number(9999_0001),
        "contact_name": "New Person",
        "contact_phone": "+380670000000",
        "agent": str(team["agent"].id),
        "manager": str(team["manager"].id),
        "accountant": str(team["accountant"].id),
        "notes": "",
    }
    data.update(overrides)
    return data


def json_post(client, url, data, token_url):
    """POST `data` with the CSRF token a page at `token_url` hands out, asking for JSON."""
    data = dict(data, csrf_token=csrf_token(client, token_url))
    return client.post(url, data=data, headers={"Accept": "application/json"})


def fresh_card(card):
    """The card as the database has it now, not as this test's session remembers it."""
    return fresh(Card, card.id)
