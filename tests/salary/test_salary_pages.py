"""The salary pages as each person sees them: his own, a leader's team table and adjustments, and
what nobody else gets."""

import re

from sqlalchemy import func, select

from extensions import db
from models.salary import SalaryAdjustment
from services import ledger
from tests.conftest import csrf_token


def test_my_salary_shows_the_plan_results_forecast_and_next_step(client_of, team, current):
    ledger.credit("test", ledger.Source("test", 1), employee_id=team["employee"].id, employee_amount=40)
    db.session.commit()
    page = client_of("employee").get("/admin/salary/")
    assert page.status_code == 200
    for text in (
        "My salary",
        "Plan in force",
        "Points earned",
        "Forecast for the period",
        "10 more of “Points earned” → +",
    ):
        assert text in page.text, text
    assert re.search(r"So far</div><div[^>]*>10\s400\.00<", page.text)  # base 10,000 + 40 points × 10


def test_a_leader_sees_his_people_and_adjusts_them(client_of, team, current):
    supervisor = client_of("supervisor")
    table = supervisor.get("/admin/salary/team/")
    assert table.status_code == 200
    assert "Eva Employee" in table.text and "Emil Employee" in table.text
    assert "Ihor Intern" not in table.text  # the peer's team
    sent = {"csrf_token": csrf_token(supervisor, "/admin/salary/team/"), "period": current.id,
            "employee": team["employee"].id, "kind": "bonus", "amount": "1500", "reason": "results",
            "comment": "A great month"}  # fmt: skip
    assert supervisor.post("/admin/salary/team/adjust", data=sent).status_code == 302
    mine = client_of("employee").get("/admin/salary/")
    assert "A great month" in mine.text and "Sofia Supervisor" in mine.text
    assert supervisor.get(f"/admin/salary/?employee={team['employee'].id}").status_code == 200


def test_bad_adjustments_are_refused_and_change_nothing(client_of, team, current):
    supervisor = client_of("supervisor")
    token = csrf_token(supervisor, "/admin/salary/team/")
    base = {"csrf_token": token, "period": current.id, "employee": team["employee"].id, "kind": "bonus",
            "amount": "100", "reason": "results", "comment": "Why"}  # fmt: skip
    assert supervisor.post("/admin/salary/team/adjust", data={**base, "amount": "-5"}).status_code == 422
    assert supervisor.post("/admin/salary/team/adjust", data={**base, "comment": " "}).status_code == 422
    assert supervisor.post("/admin/salary/team/adjust", data={**base, "employee": team["intern"].id}).status_code == 404
    assert (
        supervisor.post("/admin/salary/team/adjust", data={**base, "employee": team["supervisor"].id}).status_code
        == 403
    )
    assert supervisor.post("/admin/salary/team/adjust", data={**base, "period": "x"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(SalaryAdjustment)) == 0


def test_nobody_else_sees_a_salary(client_of, team, current):
    assert client_of("peer").get(f"/admin/salary/?employee={team['employee'].id}").status_code == 404
    assert client_of("employee").get(f"/admin/salary/?employee={team['employee2'].id}").status_code == 404
    assert client_of("employee").get("/admin/salary/team/").status_code == 403
    assert client_of("employee").get("/admin/salary/?period=999999").status_code == 404


def test_the_owner_sees_everyones_totals(client_of, team, current):
    table = client_of("owner").get("/admin/salary/team/")
    assert "Ihor Intern" in table.text and "Eva Employee" in table.text


def test_the_first_page_of_a_month_opens_its_period_for_good(client_of, team):
    from models.salary import SalaryPeriod, SalaryPlanVersion

    db.session.execute(SalaryPlanVersion.__table__.delete())
    db.session.execute(SalaryPeriod.__table__.delete())  # as before the seeding's first period
    db.session.commit()
    assert client_of("employee").get("/admin/salary/").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SalaryPeriod)) == 1


def test_a_leaders_page_names_his_teams_results(client_of, team, current):
    page = client_of("supervisor").get("/admin/salary/")
    assert "Points earned (team)" in page.text and "team.points" not in page.text


def test_a_personal_figure_is_marked_as_such(client_of, team, current):
    from models.salary import PlanOverride

    db.session.add(PlanOverride(user_id=team["employee"].id, from_period_id=current.id, key="targets.points.target",
                                value="80", reason="New", created_by_id=team["owner"].id))  # fmt: skip
    db.session.commit()
    page = client_of("employee").get("/admin/salary/")
    assert '80<span class="badge badge-info ml-1">personal</span>' in page.text


def test_the_team_table_exports_as_the_leader_sees_it(app, client_of, team, current, tmp_path):
    from flask_babel import force_locale
    from openpyxl import load_workbook

    from services.exports import registry as exports

    with app.test_request_context(), force_locale("en"):
        spec = exports.get("salary.team")
        assert exports.get("salary.team").check({"period": "x"})
        names = [row[0] for row in spec.rows(team["supervisor"], {"period": str(current.id)})]
        assert sorted(names) == ["Emil Employee", "Eva Employee"]
        path = tmp_path / "team.xlsx"
        assert exports.build(spec, team["supervisor"], {"period": str(current.id)}, "xlsx", path) == 2
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Employee", "Position") and {row[0] for row in rows[1:]} == {"Emil Employee", "Eva Employee"}
    assert all(row[7] == 10000 for row in rows[1:])  # the base, nothing earned yet
    assert "salary.team" in client_of("supervisor").get("/admin/salary/team/").text


def test_a_leader_cancels_an_adjustment_and_it_stays_in_the_history(client_of, team, current):
    from services.salary import adjustments, salaries

    given = adjustments.adjust(team["supervisor"], team["employee"].id, current, "bonus", "900", "results", "Oops")
    db.session.commit()
    supervisor = client_of("supervisor")
    page = f"/admin/salary/?employee={team['employee'].id}"
    token = csrf_token(supervisor, page)
    url = f"/admin/salary/adjustments/{given.id}/cancel"
    assert supervisor.post(url, data={"csrf_token": token, "comment": " "}).status_code == 422
    employee, peer = client_of("employee"), client_of("peer")
    assert (
        employee.post(url, data={"csrf_token": csrf_token(employee, "/admin/salary/"), "comment": "Mine"}).status_code
        == 403
    )
    assert (
        peer.post(url, data={"csrf_token": csrf_token(peer, "/admin/salary/"), "comment": "Not mine"}).status_code
        == 404
    )
    assert salaries.of_person(team["employee"].id, current).adjustments == 900
    assert supervisor.post(url, data={"csrf_token": token, "comment": "Given to the wrong person"}).status_code == 302
    assert salaries.of_person(team["employee"].id, current).adjustments == 0
    assert supervisor.post(url, data={"csrf_token": token, "comment": "Again"}).status_code == 422
    mine = client_of("employee").get("/admin/salary/").text
    assert "Given to the wrong person" in mine and "Oops" in mine and "Cancelled" in mine
    assert re.search(r"Cancelled: Bonus</td>\s*<td[^>]*>−900\.00<", mine)  # the cancellation takes the 900 back
    assert db.session.scalar(select(func.count()).select_from(SalaryAdjustment)) == 2
