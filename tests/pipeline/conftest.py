"""Fixtures of the engine's tests: a team of an owner, an administrator, an accountant and two
managers with their agents, and a card of the first manager's agent (tests/pipeline_cards.py)."""

from tests.pipeline_cards import card, team  # noqa: F401 (fixtures)
