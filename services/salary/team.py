"""The salaries a person sees: his own, and with salary.team his subordinates' (everyone's for who
sees everything); the team table's rows with each one's position, department and office, and the
totals by department and office."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models.platform.org import Department, Membership, Office, Position
from models.platform.user import User
from models.salary import SalaryResult
from services.platform import access
from services.platform.timezones import now_utc
from services.salary import closing, estimates

ZERO = Decimal("0.00")
LIVE_ROWS = 300  # a wider table reads the background job's figures (services/salary/estimates.py)


def sees_salary_of(viewer, person_id):
    """His own; a subordinate's (or anyone's, for who sees everything) with salary.team."""
    if person_id == viewer.id:
        return access.can(viewer, "salary.view")
    if not access.can(viewer, "salary.team"):
        return False
    return access.scope_kind(viewer) == "all" or person_id in access.subordinate_set(viewer)


def team_ids(viewer):
    """The ids of the people whose salaries the viewer's team table shows (himself not included)."""
    if not access.can(viewer, "salary.team"):
        return []
    paid = closing.people_paid()
    if access.scope_kind(viewer) == "all":
        return [user_id for user_id in paid if user_id != viewer.id]
    below = access.subordinate_set(viewer)
    return [user_id for user_id in paid if user_id in below]


@dataclass
class Row:
    user_id: int
    name: str
    position: str
    department: str
    office: str
    base: Decimal
    variable: Decimal
    adjustments: Decimal
    total: Decimal
    frozen: bool
    attainment: Decimal | None = None  # the plan's overall, 1 = 100 %; open periods only
    forecast_low: Decimal | None = None
    forecast_high: Decimal | None = None


def _places(user_ids):
    """{user id: (name, position, department, office)} by his highest-ranked position."""
    query = (
        select(User.id, User.full_name, User.username, Position, Department.name, Office.name)
        .join(Membership, Membership.user_id == User.id)
        .join(Position, Position.id == Membership.position_id)
        .join(Office, Office.id == Membership.office_id)
        .outerjoin(Department, Department.id == Membership.department_id)
        .where(User.id.in_(sorted(user_ids)))
        .order_by(User.id, Position.rank.desc())
    )
    found = {}
    for user_id, full_name, username, position, department, office in db.session.execute(query):
        found.setdefault(user_id, (full_name or username, position.label, department or "", office))
    return found


def reads_kept(user_ids, period):
    """Whether a table of these people in this open period reads the job's figures: wider than
    LIVE_ROWS, and the period of today (the one the job computes)."""
    today = now_utc().date()
    return len(user_ids) > LIVE_ROWS and period.status == "open" and period.starts_on <= today < period.ends_on


def rows(user_ids, period):
    """([Row] of these people in `period`, by office, department and name; when the figures were
    computed, or None for now): frozen figures for a closed period; for an open one computed here
    here, or read from the background job's last run (reads_kept)."""
    places = _places(user_ids)
    found, computed_at = [], None

    def row(user_id, *figures, **more):
        name, position, department, office = places.get(user_id, ("", "", "", ""))
        return Row(user_id, name, position, department, office, *figures, **more)

    if period.status == "closed":
        kept = db.session.scalars(
            select(SalaryResult).where(SalaryResult.period_id == period.id, SalaryResult.user_id.in_(sorted(user_ids)))
        )
        found = [row(r.user_id, r.base, r.variable, r.adjustments, r.total, True) for r in kept]
    elif not reads_kept(user_ids, period):
        for user_id, item in estimates.compute(user_ids, period).items():
            pay = item.salary.pay
            found.append(row(user_id, pay.base, pay.variable, item.salary.adjustments, item.salary.total, False,
                             attainment=item.attainment, forecast_low=item.forecast.low,
                             forecast_high=item.forecast.high))  # fmt: skip
    else:
        for user_id, kept in estimates.kept(user_ids, period).items():
            computed_at = kept.computed_at if computed_at is None else min(computed_at, kept.computed_at)
            found.append(row(user_id, kept.base, kept.variable, kept.adjustments, kept.total, False,
                             attainment=kept.attainment, forecast_low=kept.forecast_low,
                             forecast_high=kept.forecast_high))  # fmt: skip
    return sorted(found, key=lambda item: (item.office, item.department, item.name)), computed_at


def totals(found):
    """({(office, department): total}, {office: total}, grand total) of the rows' totals."""
    by_department, by_office = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for row in found:
        by_department[(row.office, row.department)] += row.total
        by_office[row.office] += row.total
    return dict(by_department), dict(by_office), sum((row.total for row in found), ZERO)
