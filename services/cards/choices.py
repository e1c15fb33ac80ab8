"""The banks and suppliers that the cards' and the tracker's selects and filters offer, as (id, label)
rows: one query of names per list, kept by the process per version of the 'directories' signal
(services.platform.cache). The people they offer come from services.platform.people_choices."""

from sqlalchemy import select

from extensions import db
from models.cards.directory import Bank, Contractor
from services.platform.cache import per_version


def _directory(model, only_active):
    def load():
        query = select(model.id, model.name).order_by(model.name)
        if only_active:
            query = query.where(model.is_active.is_(True))
        return tuple((row.id, row.name) for row in db.session.execute(query))

    return per_version(f"{model.__tablename__} {'active' if only_active else 'all'}", load)


def active_banks():
    return _directory(Bank, only_active=True)


def active_suppliers():
    return _directory(Contractor, only_active=True)


def all_banks():
    """Every bank, inactive ones too: the filters find the cards of a bank no longer offered."""
    return _directory(Bank, only_active=False)


def all_suppliers():
    return _directory(Contractor, only_active=False)
