"""The forecast: results carried to the period's end at the run-rate of working days in the person's
zone (at the start, the middle, the end, across a DST change), the range with his history, and what
is missing to reach a target's next step."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from services.salary import forecast, in_force, periods, plans
from services.salary.salaries import Salary

PLAN = {
    "base": "10000",
    "targets": [{"code": "paid", "metric": "paid_invoices", "target": "10"}],
    "components": [
        {"code": "paid_pay", "kind": "tiers", "target": "paid", "amount": "9000", "threshold": "0.5"},
        {"code": "paid_met", "kind": "bonus", "target": "paid", "amount": "1500"},
    ],
}


def salary_of(results, adjustments=Decimal("0.00")):
    plan = plans.parse(PLAN)
    item = in_force.PlanInForce(version=None, plan=plan)
    return Salary(7, item, results, plans.pay(plan, results), adjustments)


@pytest.fixture
def march(db):
    return periods.ensure(date(2030, 3, 15))  # 21 working days; Kyiv moves its clocks on the 31st


@pytest.mark.parametrize(
    ("now", "elapsed"),
    [
        (datetime(2030, 2, 28, 21, 59), 0),  # 23:59 in Kyiv: the period has not begun there
        (datetime(2030, 2, 28, 22, 0), 1),  # 1 March, midnight in Kyiv
        (datetime(2030, 3, 15, 12, 0), 11),
        (datetime(2030, 3, 31, 20, 59), 21),  # summer time: 23:59 in Kyiv, the last day
    ],
)
def test_working_days_elapsed_count_in_the_persons_zone(march, now, elapsed):
    assert forecast.working_days(march, "Europe/Kyiv", now) == (elapsed, 21)


def test_the_run_rate_carries_the_results_to_the_periods_end(march):
    salary = salary_of({"paid_invoices": Decimal(4)})  # 40 %: nothing yet
    found = forecast.forecast(salary, march, "Europe/Kyiv", datetime(2030, 3, 15, 12, 0))
    assert found.run_rate["paid_invoices"] == Decimal(4) * 21 / 11  # ≈ 7.6 invoices by the end
    expected = plans.pay(plans.parse(PLAN), found.run_rate).total
    assert (found.low, found.high) == (expected, expected)
    assert found.low > salary.total


def test_at_the_start_nothing_is_projected_from_nothing(march):
    salary = salary_of({"paid_invoices": Decimal(0)})
    found = forecast.forecast(salary, march, "Europe/Kyiv", datetime(2030, 2, 28, 21, 0))
    assert (found.low, found.high) == (Decimal("10000.00"), Decimal("10000.00"))


def test_what_is_missing_to_reach_the_next_step():
    steps = forecast.next_steps(salary_of({"paid_invoices": Decimal(4)}))
    assert [(s.target, s.missing, s.gain) for s in steps] == [("paid", Decimal(1), Decimal("4500.00"))]
    steps = forecast.next_steps(salary_of({"paid_invoices": Decimal(8)}))
    assert [(s.missing, s.gain) for s in steps] == [(Decimal(2), Decimal("3300.00"))]  # 1,800 of the band + 1,500
    assert forecast.next_steps(salary_of({"paid_invoices": Decimal(10)})) == []
