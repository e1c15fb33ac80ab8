"""Fixtures of the cards' tests. For the pages: `team` (English, so that the tests read the
messages), `client_of(name)` signed in as one of them, a `bank` and `two_cards`. For the services:
`staff` (an owner and two of each other role) and a `directory` of banks and suppliers. The board's
`people`, `banks` and `spread` are the root conftest's."""

from decimal import Decimal

import pytest

from tests.factories.cards import card_number, make_bank, make_directory, new_card
from tests.factories.platform import make_user
from tests.view_helpers import signed_in


@pytest.fixture
def team():
    """Part A people; English UI so that the tests can read the messages."""
    people = {
        "owner": ("owner", "Olena Owner"),
        "admin": ("administrator", "Ada Admin"),
        "accountant": ("accountant", "Anna Accountant"),
        "manager": ("manager", "Maria Manager"),
        "agent": ("agent", "Andrii Agent"),
        "agent2": ("agent", "Bohdan Agent"),
    }
    return {key: make_user(role_code=role, full_name=name, language="en") for key, (role, name) in people.items()}


@pytest.fixture
def client_of(app, login_as, team):
    """client_of("agent") -> a RequestClient signed in as team["agent"]."""
    return lambda name: signed_in(app, login_as, team[name])


@pytest.fixture
def bank():
    return make_bank("PercentBank", commission_percent=Decimal("1.50"))


@pytest.fixture
def two_cards(team):
    """The agent's card (…2001) and agent2's, with no manager or accountant (…2002)."""
    return {
        "mine": new_card(team, number=card_number(2001), contact_name="Mine Contact"),
        "theirs": new_card(team, agent="agent2", manager=None, accountant=None, number=card_number(2002)),
    }


@pytest.fixture
def staff():
    """An owner and two of each other role, placed nowhere in the org tree."""
    return {
        "owner": make_user(role_code="owner", full_name="Olena Owner"),
        "accountant": make_user(role_code="accountant", full_name="Anna Accountant"),
        "accountant2": make_user(role_code="accountant", full_name="Boris Accountant"),
        "manager": make_user(role_code="manager", full_name="Maria Manager"),
        "manager2": make_user(role_code="manager", full_name="Mykola Manager"),
        "agent": make_user(role_code="agent", full_name="Andrii Agent"),
        "agent2": make_user(role_code="agent", full_name="Bohdan Agent"),
    }


@pytest.fixture
def directory():
    return make_directory()
