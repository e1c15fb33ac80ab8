from models.ledger.entries import HOLDERS, KINDS, LedgerBalance, LedgerEntry
from models.ledger.rules import RULE_EVENTS, LedgerRule

__all__ = ["HOLDERS", "KINDS", "RULE_EVENTS", "LedgerBalance", "LedgerEntry", "LedgerRule"]
