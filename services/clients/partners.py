"""The referral partners a person sees: each with the clients he brought (how many, how many pay)
and the bonus he earned from them, in a few grouped queries for the page, never one per partner."""

from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from extensions import db
from models.clients import Client
from models.ledger import LedgerEntry
from services.platform import access

PAGE_SIZE = 50


def partners(user, before=None, limit=PAGE_SIZE):
    """(a page of (partner, brought, paying, earned bonus), the id the next page starts before)."""
    referred = aliased(Client)
    brought = (
        select(
            referred.referrer_id.label("partner_id"),
            func.count().label("brought"),
            func.sum(case((referred.paying_since.is_not(None), 1), else_=0)).label("paying"),
        )
        .where(referred.deleted_at.is_(None), referred.referrer_id.is_not(None))
        .group_by(referred.referrer_id)
        .subquery()
    )
    earned = (
        select(LedgerEntry.client_id.label("partner_id"), func.sum(LedgerEntry.amount).label("earned"))
        .where(LedgerEntry.holder == "client", LedgerEntry.kind == "bonus", LedgerEntry.rule_code.like("referral%"))
        .group_by(LedgerEntry.client_id)
        .subquery()
    )
    query = (
        select(
            Client,
            func.coalesce(brought.c.brought, 0),
            func.coalesce(brought.c.paying, 0),
            func.coalesce(earned.c.earned, 0),
        )  # fmt: skip
        .outerjoin(brought, brought.c.partner_id == Client.id)
        .outerjoin(earned, earned.c.partner_id == Client.id)
        .where(Client.is_partner.is_(True), Client.deleted_at.is_(None))
        .order_by(Client.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Client.id < before)
    rows = [(client, int(n), int(paying or 0), Decimal(str(money))) for client, n, paying, money in
            db.session.execute(access.scope(user, query, Client))]  # fmt: skip
    return rows[:limit], (rows[limit - 1][0].id if len(rows) > limit else None)


def brought_by(user, partner):
    """The clients the partner brought that `user` sees, newest first."""
    query = select(Client).where(Client.referrer_id == partner.id, Client.deleted_at.is_(None))
    return db.session.scalars(access.scope(user, query, Client).order_by(Client.id.desc()).limit(200)).all()
