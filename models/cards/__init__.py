"""Payment cards, their responsible people and transactions, and the banks and suppliers directories."""

from models.cards.card import Card, Transaction
from models.cards.directory import Bank, Contractor

__all__ = [
    "Bank",
    "Card",
    "Contractor",
    "Transaction",
]
