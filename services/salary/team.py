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
from services.salary import closing, salaries

ZERO = Decimal("0.00")


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


def rows(user_ids, period):
    """[Row] of these people in `period`, by office, department and name: frozen figures for a
    closed period, computed ones for an open one."""
    places = _places(user_ids)
    found = []
    if period.status == "closed":
        kept = db.session.scalars(
            select(SalaryResult).where(SalaryResult.period_id == period.id, SalaryResult.user_id.in_(sorted(user_ids)))
        )
        for result in kept:
            name, position, department, office = places.get(result.user_id, ("", "", "", ""))
            found.append(Row(result.user_id, name, position, department, office, result.base, result.variable,
                             result.adjustments, result.total, True))  # fmt: skip
    else:
        for user_id, salary in salaries.of_people(user_ids, period).items():
            name, position, department, office = places.get(user_id, ("", "", "", ""))
            found.append(Row(user_id, name, position, department, office, salary.pay.base, salary.pay.variable,
                             salary.adjustments, salary.total, False))  # fmt: skip
    return sorted(found, key=lambda row: (row.office, row.department, row.name))


def totals(found):
    """({(office, department): total}, {office: total}, grand total) of the rows' totals."""
    by_department, by_office = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for row in found:
        by_department[(row.office, row.department)] += row.total
        by_office[row.office] += row.total
    return dict(by_department), dict(by_office), sum((row.total for row in found), ZERO)
