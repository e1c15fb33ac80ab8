"""Leaders' adjustments: a bonus or a deduction for a subordinate in an open period, with a reason
from the list and a comment. Nobody adjusts his own salary or a peer's: only someone above the
person in the org tree, or who may adjust anyone's (the owner). An adjustment stays as written;
taking one back adds its cancellation."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from extensions import db
from models.platform.user import User
from models.salary import ADJUSTMENT_KINDS, SalaryAdjustment, SalaryPeriod
from services.platform import access, notifications, results
from services.platform.errors import RefusedChange
from services.platform.money import MoneyError, parse_money
from services.salary import periods

REASONS = {
    "results": _l("Results beyond the plan"),
    "quality": _l("Quality of work"),
    "discipline": _l("Discipline"),
    "correction": _l("Correction of an earlier period"),
    "other": _l("Other"),
}
KIND_LABELS = {"bonus": _l("Bonus"), "deduction": _l("Deduction")}
COMMENT_MAX = 1000


class AdjustmentError(RefusedChange):
    def __init__(self, errors):
        super().__init__(_l("Check the marked fields."), status=422, errors=errors)


def may_adjust(by, person_id):
    """Whether `by` may adjust this person's salary: never his own; a subordinate's, or anyone's
    with salary.adjust_any."""
    if person_id == by.id or not access.can(by, "salary.adjust"):
        return False
    return access.can(by, "salary.adjust_any") or person_id in access.subordinate_set(by)


def adjust(by, person_id, period, kind, amount, reason, comment):
    """The new adjustment (flushed); AdjustmentError with a field's message for bad input, a
    PermissionError for who may not."""
    if not may_adjust(by, person_id):
        raise PermissionError("not his leader")
    periods.check_open(period)
    errors = {}
    if kind not in ADJUSTMENT_KINDS:
        errors["kind"] = _l("Choose a bonus or a deduction.")
    try:
        value = parse_money(amount)
        if value <= 0:
            raise MoneyError("zero")
    except MoneyError:
        errors["amount"] = _l("Enter an amount above zero, such as 1500.00.")
    if reason not in REASONS:
        errors["reason"] = _l("Choose a reason from the list.")
    comment = " ".join((comment or "").split())
    if not comment:
        errors["comment"] = _l("Say why: the employee and your leader will read it.")
    elif len(comment) > COMMENT_MAX:
        errors["comment"] = _l("At most %(count)s characters.", count=COMMENT_MAX)
    if errors:
        raise AdjustmentError(errors)
    adjustment = SalaryAdjustment(period_id=period.id, user_id=person_id, kind=kind, amount=value, reason=reason,
                                  comment=comment, created_by_id=by.id)  # fmt: skip
    db.session.add(adjustment)
    db.session.flush()
    results.changed.send(None, user_ids={person_id})
    sign = "+" if kind == "bonus" else "−"
    notifications.notify([person_id], "salary.adjusted", link=f"/admin/salary/?period={period.id}", exclude=by.id,
                         author=by.display_name, amount=f"{sign}{value}", comment=comment)  # fmt: skip
    return adjustment


def cancel(by, adjustment, comment):
    """Its cancellation (flushed): the same figures, naming it; once, in an open period."""
    if not may_adjust(by, adjustment.user_id):
        raise PermissionError("not his leader")
    periods.check_open(db.session.get(SalaryPeriod, adjustment.period_id))
    taken_back = select(SalaryAdjustment.id).where(SalaryAdjustment.cancels_id == adjustment.id)
    if adjustment.cancels_id is not None or db.session.scalar(taken_back) is not None:
        raise AdjustmentError({"comment": _l("This adjustment is cancelled already.")})
    comment = " ".join((comment or "").split())
    if not comment:
        raise AdjustmentError({"comment": _l("Say why: the employee and your leader will read it.")})
    cancellation = SalaryAdjustment(
        period_id=adjustment.period_id, user_id=adjustment.user_id, kind=adjustment.kind, amount=adjustment.amount,
        reason=adjustment.reason, comment=comment[:COMMENT_MAX], cancels_id=adjustment.id, created_by_id=by.id,
    )  # fmt: skip
    db.session.add(cancellation)
    db.session.flush()
    results.changed.send(None, user_ids={adjustment.user_id})
    return cancellation


def of_person(person_id, period):
    """[(adjustment, its author's name)] of the person in `period`, in the order written."""
    query = (
        select(SalaryAdjustment, func.coalesce(User.full_name, User.username))
        .join(User, User.id == SalaryAdjustment.created_by_id)
        .where(SalaryAdjustment.user_id == person_id, SalaryAdjustment.period_id == period.id)
        .order_by(SalaryAdjustment.id)
    )
    return db.session.execute(query).all()
