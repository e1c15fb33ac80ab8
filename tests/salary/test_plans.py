"""The plan engine (services/salary/plans.py): what a plan pays, by example and over random plans."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.salary import plans

EXAMPLE = {
    "base": "15000.00",
    "targets": [
        {"code": "points", "metric": "points", "target": "500", "weight": "0.6"},
        {"code": "paid_invoices", "metric": "paid_invoices", "target": "10", "weight": "0.4"},
    ],
    "components": [
        {"code": "per_invoice", "kind": "rate", "metric": "paid_invoices", "rate": "300.00"},
        {"code": "points_pay", "kind": "tiers", "target": "points", "amount": "10000.00", "threshold": "0.5",
         "tiers": [{"from": "0", "rate": "1"}, {"from": "1", "rate": "1.5"}]},
        {"code": "invoices_met", "kind": "bonus", "target": "paid_invoices", "amount": "2000.00"},
    ],
    "cap": "60000.00",
}  # fmt: skip


def pay(results, spec=EXAMPLE, overrides=None):
    plan, _changed = plans.with_overrides(plans.parse(spec), overrides)
    return plans.pay(plan, results)


def test_below_the_threshold_nothing_then_linear_then_accelerated():
    assert pay({"points": 200}).lines["points_pay"] == Decimal("0.00")  # 40 %
    assert pay({"points": 250}).lines["points_pay"] == Decimal("5000.00")  # 50 %: half the amount
    assert pay({"points": 500}).lines["points_pay"] == Decimal("10000.00")  # 100 %
    assert pay({"points": 600}).lines["points_pay"] == Decimal("13000.00")  # 20 % above, paid × 1.5


def test_rates_bonuses_and_the_total():
    result = pay({"points": 500, "paid_invoices": 10})
    assert result.lines == {
        "per_invoice": Decimal("3000.00"),
        "points_pay": Decimal("10000.00"),
        "invoices_met": Decimal("2000.00"),
    }
    assert result.total == Decimal("30000.00")
    assert result.attainment["overall"] == Decimal("1")
    assert pay({"points": 500, "paid_invoices": 9}).lines["invoices_met"] == Decimal("0.00")


def test_the_plans_cap_limits_the_variable_pay():
    result = pay({"points": 5000, "paid_invoices": 100})
    assert result.variable == Decimal("60000.00")
    assert result.capped > 0


def test_an_override_wins_and_is_named():
    plan, changed = plans.with_overrides(plans.parse(EXAMPLE), {"targets.points.target": "400", "base": "16000"})
    assert changed == {"targets.points.target", "base"}
    assert plans.pay(plan, {"points": 400}).lines["points_pay"] == Decimal("10000.00")
    assert plans.pay(plan, {}).base == Decimal("16000.00")


@pytest.mark.parametrize(
    ("spec", "overrides", "message"),
    [
        ({"base": "-1"}, None, "base"),
        ({"targets": [{"code": "a", "target": "x"}]}, None, "targets.a.target"),
        ({"components": [{"code": "c", "kind": "bonus", "target": "nothing", "amount": "1"}]}, None, "names no target"),
        ({"components": [{"code": "c", "kind": "other"}]}, None, "kind"),
        (EXAMPLE, {"targets.nothing.target": "1"}, "not a figure"),
        (EXAMPLE, {"components.per_invoice.amount": "1"}, "not a figure of this part"),
    ],
)
def test_a_bad_plan_or_override_is_refused_with_its_place(app, spec, overrides, message):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"), pytest.raises(plans.PlanError, match=message):
        plans.with_overrides(plans.parse(spec), overrides)


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
ratio = st.decimals(min_value=0, max_value=3, places=2, allow_nan=False, allow_infinity=False)
count = st.integers(min_value=0, max_value=5000)


@st.composite
def random_plans(draw):
    targets = [
        {"code": "points", "metric": "points", "target": str(draw(st.integers(1, 2000))), "weight": str(draw(ratio))},
        {"code": "paid", "metric": "paid", "target": str(draw(st.integers(1, 50))), "weight": str(draw(ratio))},
    ]
    bands = sorted(draw(st.lists(ratio, min_size=1, max_size=4, unique=True)))
    components = [
        {"code": "rate", "kind": "rate", "metric": "paid", "rate": str(draw(money))},
        {"code": "tiers", "kind": "tiers", "target": draw(st.sampled_from(["points", "overall"])),
         "amount": str(draw(money)), "threshold": str(draw(ratio)),
         "tiers": [{"from": str(b), "rate": str(draw(ratio))} for b in bands]},
        {"code": "bonus", "kind": "bonus", "target": "paid", "amount": str(draw(money)), "at": str(draw(ratio))},
    ]  # fmt: skip
    if draw(st.booleans()):
        components[draw(st.integers(0, 2))]["cap"] = str(draw(money))
    spec = {"base": str(draw(money)), "targets": targets, "components": components}
    if draw(st.booleans()):
        spec["cap"] = str(draw(money))
    return spec


@settings(max_examples=200, deadline=None)
@given(random_plans(), count, count, st.integers(0, 500), st.integers(0, 50))
def test_more_results_never_pay_less_and_every_cap_holds(spec, points, paid, more_points, more_paid):
    plan = plans.parse(spec)
    before = plans.pay(plan, {"points": points, "paid": paid})
    after = plans.pay(plan, {"points": points + more_points, "paid": paid + more_paid})
    assert after.total >= before.total
    for result in (before, after):
        assert result.total == result.base + sum(result.lines.values()) - result.capped
        if "cap" in plan:
            assert result.variable <= plan["cap"]
        for component in plan["components"]:
            if "cap" in component:
                assert result.lines[component["code"]] <= component["cap"]
        assert all(amount == amount.quantize(Decimal("0.01")) for amount in result.lines.values())


@settings(max_examples=100, deadline=None)
@given(random_plans(), money, count)
def test_an_overridden_base_is_what_is_paid_whatever_the_results(spec, base, points):
    plan, _ = plans.with_overrides(plans.parse(spec), {"base": str(base)})
    assert plans.pay(plan, {"points": points}).base == base


def test_an_override_may_not_rename_what_a_component_pays_for():
    plan = plans.parse({"base": "1", "targets": [{"code": "p", "metric": "points", "target": "10"}],
                        "components": [{"code": "c", "kind": "tiers", "target": "p", "amount": "100"}]})  # fmt: skip
    with pytest.raises(plans.PlanError):
        plans.with_overrides(plan, {"components.c.target": "5"})
