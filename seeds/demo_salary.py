"""The demo's salaries: the three months before this one closed, with the sales team's points in
them, so that the supervisor met his team's target each time and the raise job (run here, as the
scheduler would) raised it for the next month; a bonus from the department head to the employee in
this month; HR's candidates and interviews, one of them hired."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from extensions import db
from models.ledger import LedgerEntry
from models.platform.org import Office, Position
from models.platform.user import User
from models.salary import Candidate, Interview, SalaryPlanVersion
from services.platform import bulk
from services.salary import adjustments, closing, periods, raises

TEAM_POINTS = {"employee": 420, "intern": 260}  # a month's points: the supervisor's team makes 680 of 600


def _people():
    return {user.username: user for user in db.session.scalars(select(User))}


def _past_months(today, count):
    first = today.replace(day=1)
    months = []
    for _n in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def _points_in(month, people):
    rows = []
    for username, points in TEAM_POINTS.items():
        person = people[username]
        rows.append({"holder": "employee", "client_id": None, "employee_id": person.id, "kind": "points",
                     "amount": points, "rule_code": "imported", "source_type": "demo_month",
                     "source_id": person.id, "source_key": f"demo-month:{month.isoformat()}:{person.id}",
                     "note": "", "created_at": datetime.combine(month + timedelta(days=14), datetime.min.time())})  # fmt: skip
    bulk.insert_rows(LedgerEntry, rows)


def _plans_from(period):
    """The seeded plans in force from the demo's first month too (the demo's history began then)."""
    for version in db.session.scalars(select(SalaryPlanVersion).order_by(SalaryPlanVersion.id)).all():
        db.session.add(SalaryPlanVersion(plan_id=version.plan_id, from_period_id=period.id, spec=version.spec,
                                         note=""))  # fmt: skip
    db.session.flush()


def load_demo_salary(today=None):
    today = today or date.today()
    people = _people()
    owner = people["owner"]
    months = _past_months(today, 3)
    _plans_from(periods.ensure(months[0]))
    for month in months:
        period = periods.ensure(month)
        _points_in(month, people)
        db.session.flush()
        closing.close(period, owner)
    current = periods.ensure(today)
    upcoming = periods.ensure(current.ends_on)
    raises.run(upcoming, by=None)
    adjustments.adjust(people["depthead"], people["employee"].id, current, "bonus", "1500", "results",
                       "Найкращий місяць у відділі")  # fmt: skip
    _hr(people, today)
    db.session.commit()


def _hr(people, today):
    hr, kyiv = people["hr"], db.session.scalar(select(Office).where(Office.name == "Київ"))
    position = {p.code: p for p in db.session.scalars(select(Position))}
    candidates = [
        ("Оксана Кандидатка", "employee", "interviewing", "Сайт вакансій"),
        ("Ігор Новачок", "intern", "new", "Рекомендація"),
        ("Марта Досвідчена", "supervisor", "rejected", "LinkedIn"),
        ("Юлія Співробітник", "employee", "hired", "Рекомендація"),
    ]
    for n, (name, code, status, source) in enumerate(candidates):
        hired = status == "hired"
        candidate = Candidate(full_name=name, position_id=position[code].id, office_id=kyiv.id, status=status,
                              source=source, hr_id=hr.id, phone=f"+38067555{n:04d}",
                              hired_user_id=people["employee"].id if hired else None,
                              hired_on=today - timedelta(days=45) if hired else None)  # fmt: skip
        db.session.add(candidate)
        db.session.flush()
        outcome = {"interviewing": "planned", "rejected": "failed", "hired": "passed"}.get(status)
        if outcome:
            when = datetime.combine(today, datetime.min.time()) + timedelta(
                days=2 if outcome == "planned" else -50, hours=9
            )
            db.session.add(Interview(candidate_id=candidate.id, interviewer_id=hr.id, starts_at=when, outcome=outcome))
