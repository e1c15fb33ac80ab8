"""The points and bonuses ledger (DESIGN: one of the shared mechanisms): entries only ever added,
balances kept by the database in the same transaction, reversals as new entries, each credit once
per source. The other domains credit through it; it knows none of them."""

from flask_babel import lazy_gettext as _l

from services.ledger.entries import (
    LedgerError,
    Source,
    balance_of,
    balances_of,
    credit,
    credit_new_clients,
    history,
    mismatches,
    reverse,
    reverse_source,
    times_taken_back,
)

__all__ = [
    "LedgerError",
    "Source",
    "balance_of",
    "balances_of",
    "credit",
    "credit_new_clients",
    "history",
    "mismatches",
    "reverse",
    "reverse_source",
    "times_taken_back",
]

PERMISSIONS = {
    "points.view": _l("See own and subordinates' points and bonuses"),
    "points.manage": _l("Edit the points rules and reverse entries"),
}


def init_app(app):
    from services.ledger import results
    from services.platform import access

    access.register_permissions(PERMISSIONS)
    results.register()
