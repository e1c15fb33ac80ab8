"""The points rules as data: which are in force for an event."""

from sqlalchemy import select

from extensions import db
from models.ledger import LedgerRule


def names():
    """{rule code: its name in the language in force}: what a ledger entry was for."""
    return {rule.code: rule.label for rule in db.session.scalars(select(LedgerRule))}


def in_force(event, stage_code=""):
    """The active rules of an event (for stage_reached, of that stage), by code."""
    query = select(LedgerRule).where(LedgerRule.event == event, LedgerRule.is_active.is_(True))
    if stage_code:
        query = query.where(LedgerRule.stage_code == stage_code)
    return db.session.scalars(query.order_by(LedgerRule.code)).all()
