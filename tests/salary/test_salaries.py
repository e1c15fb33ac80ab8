"""What people earn in a period: their position's plan in force, their overrides, their results from
the ledger over the period in their own time zone, their leaders' adjustments — and who may adjust."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from extensions import db
from models.salary import PlanOverride
from services import ledger
from services.salary import adjustments, periods, salaries


def test_a_month_period_is_made_once_and_spans_the_persons_own_midnight(team):
    first = periods.ensure(date(2030, 12, 7))
    assert periods.ensure(date(2030, 12, 31)).id == first.id
    assert (first.starts_on, first.ends_on) == (date(2030, 12, 1), date(2031, 1, 1))
    assert periods.span(first, "Europe/Kyiv")[0] == datetime(2030, 11, 30, 22, 0)
    assert periods.span(first, "America/New_York")[0] == datetime(2030, 12, 1, 5, 0)


def test_the_plan_in_force_pays_the_ledgers_points_of_the_period(team, current):
    ledger.credit("test", ledger.Source("test", 1), employee_id=team["employee"].id, employee_amount=80)
    salary = salaries.of_person(team["employee"].id, current)
    assert salary.results == {"points": Decimal("80.00")}
    # 80 % of the target: 4,000 of the 5,000 band; 80 points at 10: 800
    assert salary.pay.lines == {"points_pay": Decimal("4000.00"), "per_point": Decimal("800.00")}
    assert salary.total == Decimal("14800.00")


def test_a_leaders_plan_reads_his_teams_results(team, current):
    for n, person in enumerate((team["employee"], team["employee2"], team["intern"])):
        ledger.credit("test", ledger.Source("test", n), employee_id=person.id, employee_amount=100)
    salary = salaries.of_person(team["supervisor"].id, current)
    assert salary.results == {"team.points": Decimal("200.00")}  # his two employees, not the peer's intern
    assert salary.total == Decimal("21000.00")


def test_an_override_wins_from_its_period_on(team, current):
    db.session.add(PlanOverride(user_id=team["employee"].id, from_period_id=current.id, key="base", value="12000",
                                reason="Senior", created_by_id=team["owner"].id))  # fmt: skip
    db.session.flush()
    salary = salaries.of_person(team["employee"].id, current)
    assert salary.pay.base == Decimal("12000.00")
    assert salary.in_force.overridden == {"base"}
    assert salaries.of_person(team["employee2"].id, current).pay.base == Decimal("10000.00")


def test_a_leader_adjusts_his_subordinate_and_a_cancellation_takes_it_back(team, current):
    bonus = adjustments.adjust(
        team["supervisor"], team["employee"].id, current, "bonus", "1500", "results", "Great month"
    )
    adjustments.adjust(team["supervisor"], team["employee"].id, current, "deduction", "500.00", "discipline", "Late")
    assert salaries.of_person(team["employee"].id, current).adjustments == Decimal("1000.00")
    adjustments.cancel(team["supervisor"], bonus, "Counted twice")
    assert salaries.of_person(team["employee"].id, current).adjustments == Decimal("-500.00")
    with pytest.raises(adjustments.AdjustmentError):
        adjustments.cancel(team["supervisor"], bonus, "Again")


@pytest.mark.parametrize(("who", "whom"), [("employee", "employee"), ("supervisor", "supervisor"),
                                           ("peer", "employee"), ("employee", "employee2"), ("supervisor", "intern")])  # fmt: skip
def test_nobody_adjusts_his_own_salary_a_peers_or_another_teams(team, current, who, whom):
    with pytest.raises(PermissionError):
        adjustments.adjust(team[who], team[whom].id, current, "bonus", "100", "results", "Why not")


def test_the_owner_adjusts_anyone_but_himself(team, current):
    assert adjustments.adjust(team["owner"], team["intern"].id, current, "bonus", "100", "other", "Welcome").id
    with pytest.raises(PermissionError):
        adjustments.adjust(team["owner"], team["owner"].id, current, "bonus", "100", "other", "Me")


@pytest.mark.parametrize(
    ("kind", "amount", "reason", "comment", "field"),
    [("gift", "100", "results", "x", "kind"), ("bonus", "0", "results", "x", "amount"),
     ("bonus", "1e3", "results", "x", "amount"), ("bonus", "100", "mood", "x", "reason"),
     ("bonus", "100", "results", "   ", "comment")],
)  # fmt: skip
def test_bad_input_names_its_field_and_adds_nothing(team, current, kind, amount, reason, comment, field):
    with pytest.raises(adjustments.AdjustmentError) as refused:
        adjustments.adjust(team["supervisor"], team["employee"].id, current, kind, amount, reason, comment)
    assert field in refused.value.errors
    assert salaries.of_person(team["employee"].id, current).adjustments == Decimal("0.00")


def test_a_closed_period_takes_no_adjustment(team, current):
    current.status = "closed"
    db.session.flush()
    with pytest.raises(periods.PeriodError):
        adjustments.adjust(team["supervisor"], team["employee"].id, current, "bonus", "100", "results", "Late")
