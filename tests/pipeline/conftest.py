"""Fixtures of the engine's tests: a team of an owner, an administrator, an accountant and two
managers with their agents, and a card of the first manager's agent."""

import pytest

from tests.factories.cards import make_card
from tests.factories.platform import make_office, make_user, place


@pytest.fixture
def team():
    """An owner, an administrator, an accountant, two managers each with his own agent."""
    office = make_office()
    people = {
        "owner": make_user(role_code="owner"),
        "admin": make_user(role_code="administrator"),
        "accountant": make_user(role_code="accountant"),
        "manager": make_user(role_code="manager"),
        "agent": make_user(role_code="agent"),
        "manager2": make_user(role_code="manager"),
        "agent2": make_user(role_code="agent"),
    }
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    boss2 = place(people["manager2"], office, "head_of_department")
    place(people["agent2"], office, "employee", boss=boss2)
    return people


@pytest.fixture
def card(team):
    return make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
