"""Fixtures of the engine's tests: a team of an owner, an administrator, an accountant and two
managers with their agents, and a card of the first manager's agent."""

import pytest

from tests.factories.cards import make_card
from tests.factories.platform import make_team


@pytest.fixture
def team():
    """An owner, an administrator, an accountant, two managers each with his own agent."""
    return make_team(
        {"owner": "owner", "admin": "administrator", "accountant": "accountant", "manager": "manager",
         "agent": "agent", "manager2": "manager", "agent2": "agent"},
        {"agent": "manager", "agent2": "manager2"},
    )  # fmt: skip


@pytest.fixture
def card(team):
    return make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])
