"""Part B3: my salary, a leader's team table with his adjustments."""

from flask_babel import lazy_gettext as _l

from admin_views import add_page

SALARY = _l("Salary")
HR = _l("HR")


PERIOD_LABELS = {"starts_on": _l("First day"), "ends_on": _l("Day after the last"), "status": _l("Status"),
                 "closed_at": _l("Closed at"), "closed_by_id": _l("Closed by")}  # fmt: skip
PERIOD_STATUSES = {"open": _l("Open"), "closing": _l("Closing"), "closed": _l("Closed")}
PLAN_LABELS = {"position_id": _l("Position"), "raises_targets": _l("Raises targets met"),
               "raise_after": _l("Periods met before a raise"), "raise_percent": _l("Raise, %"),
               "raise_fixed": _l("Raise, fixed")}  # fmt: skip


def init_app(app):
    from admin_views.change_words import describe
    from admin_views.salary import candidates, closing, mine, plans, team
    from models.salary import Candidate, Interview

    describe("salary_periods", _l("Salary period"), PERIOD_LABELS, {"status": PERIOD_STATUSES})
    describe("salary_plans", _l("Salary plan"), PLAN_LABELS)
    add_page(40, "salary_periods", lambda: closing.SalaryPeriodsView(name=_l("Salary periods"), endpoint="salary_periods",
                                                                   url="salary/periods", category=SALARY))  # fmt: skip
    labels = candidates.CANDIDATE_LABELS
    describe("candidates", _l("Candidate"), {**labels, "position_id": labels["position"], "office_id": labels["office"],
             "hr_id": labels["hr"], "hired_user_id": labels["hired_user"]}, {"status": candidates.CANDIDATE_STATUSES})  # fmt: skip
    labels = candidates.INTERVIEW_LABELS
    describe("interviews", _l("Interview"), {**labels, "candidate_id": labels["candidate"],
             "interviewer_id": labels["interviewer"]}, {"outcome": candidates.INTERVIEW_OUTCOMES})  # fmt: skip
    add_page(41, "candidates", lambda: candidates.CandidateView(Candidate, name=_l("Candidates"), endpoint="candidates",
                                                                url="candidates", category=HR))  # fmt: skip
    add_page(42, "interviews", lambda: candidates.InterviewView(Interview, name=_l("Interviews"), endpoint="interviews",
                                                                url="interviews", category=HR))  # fmt: skip

    add_page(37, "salary", lambda: mine.MySalaryView(name=_l("My salary"), endpoint="salary", url="salary",
                                                    category=SALARY))  # fmt: skip
    add_page(39, "salary_plans", lambda: plans.SalaryPlansView(name=_l("Salary plans"), endpoint="salary_plans",
                                                              url="salary/plans", category=SALARY))  # fmt: skip
    add_page(39, "salary_team", lambda: team.TeamSalaryView(name=_l("Team's salaries"), endpoint="salary_team",
                                                           url="salary/team", category=SALARY))  # fmt: skip
