"""The cards' share of the engine's kept tables (services/pipeline/counts.py): the tracker's counters,
the chosen responsibles' card stage and every card task's copy of the card's people."""

from models.cards.card import Card
from services.pipeline import counts


def rebuild(session=None):
    return counts.rebuild(Card, session)


def mismatches(session=None):
    return counts.mismatches(Card, session)
