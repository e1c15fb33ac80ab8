"""The ledger's results for salary plans and reports (services.platform.results): the points and
the bonus money each employee earned in a span, reversals included."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from extensions import db
from models.ledger import LedgerEntry


def _earned(kind):
    def count(user_ids, starts, ends):
        query = (
            select(LedgerEntry.employee_id, func.sum(LedgerEntry.amount))
            .where(
                LedgerEntry.holder == "employee",
                LedgerEntry.kind == kind,
                LedgerEntry.employee_id.in_(user_ids),
                LedgerEntry.created_at >= starts,
                LedgerEntry.created_at < ends,
            )
            .group_by(LedgerEntry.employee_id)
        )
        return dict(db.session.execute(query).all())

    return count


def register():
    from services.platform import results

    results.register("points", _l("Points earned"), _earned("points"))
    results.register("bonus", _l("Bonus money earned"), _earned("bonus"))
