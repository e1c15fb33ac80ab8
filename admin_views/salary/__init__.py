"""Part B3: my salary, a leader's team table with his adjustments."""

from flask_babel import lazy_gettext as _l

from admin_views import add_page

SALARY = _l("Salary")


def init_app(app):
    from admin_views.salary import mine, team

    add_page(37, "salary", lambda: mine.MySalaryView(name=_l("My salary"), endpoint="salary", url="salary",
                                                    category=SALARY))  # fmt: skip
    add_page(39, "salary_team", lambda: team.TeamSalaryView(name=_l("Team's salaries"), endpoint="salary_team",
                                                           url="salary/team", category=SALARY))  # fmt: skip
