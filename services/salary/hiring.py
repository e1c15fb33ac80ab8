"""HR's rules and results: a hire links a candidate to the employee he became, once, with its day;
the results HR plans count (services.platform.results): interviews held by an interviewer, and the
hires an HR person led that are still employed HIRE_KEPT_DAYS after the hire (counted in the
period in which that day falls)."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from extensions import db
from models.platform.user import User
from models.salary import HELD, Candidate, Interview

HIRE_KEPT_DAYS = 30


def check_hire(candidate):
    """{field: message} of what is wrong with a candidate's hire ({} when right or not hired)."""
    errors = {}
    if candidate.status == "hired" or candidate.hired_user_id or candidate.hired_on:
        if candidate.status != "hired":
            errors["status"] = _l("A candidate linked to an employee is hired.")
        if not candidate.hired_user_id:
            errors["hired_user"] = _l("Choose the employee he became.")
        if not candidate.hired_on:
            errors["hired_on"] = _l("Enter the day of the hire.")
    return errors


def interviews_held(user_ids, starts, ends):
    query = (
        select(Interview.interviewer_id, func.count())
        .where(Interview.interviewer_id.in_(user_ids), Interview.outcome.in_(HELD))
        .where(Interview.starts_at >= starts, Interview.starts_at < ends)
        .group_by(Interview.interviewer_id)
    )
    return dict(db.session.execute(query).all())


def hires_kept(user_ids, starts, ends):
    first, last = (starts - timedelta(days=HIRE_KEPT_DAYS)).date(), (ends - timedelta(days=HIRE_KEPT_DAYS)).date()
    query = (
        select(Candidate.hr_id, func.count())
        .join(User, User.id == Candidate.hired_user_id)
        .where(Candidate.hr_id.in_(user_ids), Candidate.status == "hired", Candidate.deleted_at.is_(None))
        .where(Candidate.hired_on >= first, Candidate.hired_on < last)
        .where(User.deleted_at.is_(None), User.is_blocked.is_(False))
        .group_by(Candidate.hr_id)
    )
    return dict(db.session.execute(query).all())


def register():
    from services.platform import results

    results.register("interviews_held", _l("Interviews held"), interviews_held)
    results.register("hires_kept", _l("Hires still employed after %(days)s days", days=HIRE_KEPT_DAYS), hires_kept)
