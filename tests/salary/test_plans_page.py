"""The plans page: the owner changes a plan from a period on (never back), marks raises and sets a
person's own figure; a leader sees his people's raises to come and holds one back; bad input is a
422 that changes nothing, and nobody else gets in."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models.platform.org import Position
from models.salary import PlanOverride, SalaryPlan, SalaryPlanVersion
from services.salary import in_force, periods, raises
from tests.conftest import csrf_token


def employee_plan():
    return db.session.scalar(select(SalaryPlan).join(Position).where(Position.code == "employee"))


def versions():
    return db.session.scalar(select(func.count()).select_from(SalaryPlanVersion))


def next_month(period):
    return periods.month_of(period.starts_on)[1].isoformat()


def test_the_owner_changes_a_figure_from_next_month_and_this_month_keeps_its_own(client_of, team, current):
    owner = client_of("owner")
    listing = owner.get("/admin/salary/plans/")
    assert listing.status_code == 200 and "Employee" in listing.text and "Supervisor" in listing.text
    plan = employee_plan()
    page = owner.get(f"/admin/salary/plans/{plan.id}/")
    assert page.status_code == 200 and "Points earned: target" in page.text
    sent = {"csrf_token": csrf_token(owner, f"/admin/salary/plans/{plan.id}/"), "from_day": next_month(current),
            "note": "A harder market", "figure.targets.points.target": "150", "figure.base": ""}  # fmt: skip
    assert owner.post(f"/admin/salary/plans/{plan.id}/version", data=sent).status_code == 302
    upcoming = periods.covering(date.fromisoformat(next_month(current)))
    person = team["employee"].id
    assert in_force.plans_for([person], upcoming)[person].plan["targets"][0]["target"] == Decimal("150")
    assert in_force.plans_for([person], current)[person].plan["targets"][0]["target"] == Decimal("100")
    assert "A harder market" in owner.get(f"/admin/salary/plans/{plan.id}/").text


@pytest.mark.parametrize(
    "change",
    [
        {"from_day": "2001-01-01"},  # backwards
        {"from_day": "tomorrow"},
        {"note": "  "},
        {"figure.targets.points.target": "-1"},
        {"figure.targets.points.target": ""},  # nothing changed
        {"as_data": "1", "spec": "{not json"},
        {
            "as_data": "1",
            "spec": '{"base": "1", "components": [{"code": "x", "kind": "rate", "metric": "nope", "rate": "1"}]}',
        },
    ],
)
def test_a_bad_plan_change_is_a_422_and_saves_nothing(client_of, team, current, change):
    owner = client_of("owner")
    plan = employee_plan()
    before = versions()
    sent = {"csrf_token": csrf_token(owner, f"/admin/salary/plans/{plan.id}/"), "from_day": next_month(current),
            "note": "Why", "figure.targets.points.target": "150", **change}  # fmt: skip
    response = owner.post(f"/admin/salary/plans/{plan.id}/version", data=sent)
    assert response.status_code == 422
    assert "is-invalid" in response.text or "alert-danger" in response.text
    assert versions() == before


def test_the_owner_marks_a_plan_for_raises_and_a_bad_mark_is_refused(client_of, team, current):
    owner = client_of("owner")
    plan = employee_plan()
    url = f"/admin/salary/plans/{plan.id}/raises"
    token = csrf_token(owner, f"/admin/salary/plans/{plan.id}/")
    bad = owner.post(url, data={"csrf_token": token, "raises_targets": "y", "raise_after": "0", "raise_percent": "5"})
    assert bad.status_code == 422
    both = owner.post(url, data={"csrf_token": token, "raises_targets": "y", "raise_after": "2", "raise_percent": "5",
                                 "raise_fixed": "10"})  # fmt: skip
    assert both.status_code == 422
    good = owner.post(url, data={"csrf_token": token, "raises_targets": "y", "raise_after": "2", "raise_fixed": "25"})
    assert good.status_code == 302
    db.session.refresh(plan)
    assert (plan.raises_targets, plan.raise_after, plan.raise_percent, plan.raise_fixed) == (
        True,
        2,
        None,
        Decimal("25"),
    )


def test_the_owner_sets_a_personal_figure_that_the_employee_sees_marked(client_of, team, current):
    owner = client_of("owner")
    person = team["employee"].id
    url = f"/admin/salary/plans/personal?employee={person}"
    assert owner.get(url).status_code == 200
    token = csrf_token(owner, url)
    base = {"csrf_token": token, "employee": person, "key": "base", "value": "11000",
            "from_day": current.starts_on.isoformat(), "reason": "Senior in his team"}  # fmt: skip
    for change in ({"key": "targets.nope.target"}, {"value": "-3"}, {"reason": ""}, {"from_day": "1999-01-01"}):
        assert owner.post("/admin/salary/plans/personal", data={**base, **change}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(PlanOverride)) == 0
    assert owner.post("/admin/salary/plans/personal", data=base).status_code == 302
    mine = client_of("employee").get("/admin/salary/")
    assert re.search(r"Base</div><div[^>]*>11\s000\.00<", mine.text)
    assert "personal" in mine.text
    listing = owner.get("/admin/salary/plans/").text
    assert "Senior in his team" in listing and "Base pay" in listing


def test_only_the_owner_changes_plans_and_figures(client_of, team, current):
    plan = employee_plan()
    supervisor = client_of("supervisor")
    assert supervisor.get("/admin/salary/plans/").status_code == 200
    assert supervisor.get(f"/admin/salary/plans/{plan.id}/").status_code == 403
    assert supervisor.get(f"/admin/salary/plans/personal?employee={team['employee'].id}").status_code == 403
    assert client_of("employee").get("/admin/salary/plans/").status_code == 403
    owner = client_of("owner")
    assert owner.get("/admin/salary/plans/999999/").status_code == 404
    assert owner.get("/admin/salary/plans/personal?employee=999999").status_code == 404
    assert owner.get(f"/admin/salary/plans/personal?employee={team['owner'].id}").status_code == 404


def test_a_leader_holds_back_his_persons_raise_on_the_page(client_of, team, history):
    (raised,) = raises.run(history)
    db.session.commit()
    supervisor = client_of("supervisor")
    page = supervisor.get("/admin/salary/plans/")
    assert "Eva Employee" in page.text and "Met 2 periods running" in page.text
    token = csrf_token(supervisor, "/admin/salary/plans/")
    assert (
        supervisor.post(
            f"/admin/salary/plans/raises/{raised.id}/hold", data={"csrf_token": token, "reason": " "}
        ).status_code
        == 422
    )
    assert client_of("peer").post(f"/admin/salary/plans/raises/{raised.id}/hold",
                                  data={"csrf_token": token, "reason": "x"}).status_code in (400, 404)  # fmt: skip
    done = supervisor.post(
        f"/admin/salary/plans/raises/{raised.id}/hold", data={"csrf_token": token, "reason": "Market is down"}
    )
    assert done.status_code == 302
    person = team["employee"].id
    assert in_force.plans_for([person], history)[person].plan["targets"][0]["target"] == Decimal("100")
    assert "Held back" in supervisor.get("/admin/salary/plans/").text


def test_the_plans_service_itself_refuses_who_may_not_change_them(team, current):
    from services.salary import plan_changes

    with pytest.raises(PermissionError):
        plan_changes.set_raises(team["supervisor"], employee_plan(), True, "2", "5", "")
    with pytest.raises(PermissionError):
        plan_changes.override(team["owner"], team["owner"].id, "base", "1", current.starts_on, "Mine")
    with pytest.raises(PermissionError):
        plan_changes.override(team["supervisor"], team["employee"].id, "base", "1", current.starts_on, "Why")
