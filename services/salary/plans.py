"""A salary plan as data, and what it pays for a period's results — pure functions over Decimal.

A plan (JSON, validated by `parse`):

    {"base": "15000.00",
     "targets": [{"code": "points", "metric": "points", "target": "500", "weight": "0.6"}, …],
     "components": [
        {"code": "per_invoice", "kind": "rate", "metric": "paid_invoices", "rate": "300.00"},
        {"code": "points_pay", "kind": "tiers", "target": "points", "amount": "10000.00",
         "threshold": "0.5", "tiers": [{"from": "0", "rate": "1"}, {"from": "1", "rate": "1.5"}]},
        {"code": "invoices_met", "kind": "bonus", "target": "paid_invoices", "amount": "2000.00"},
        …],
     "cap": "60000.00"}

- a target's attainment is its metric's result over the target; the weighted attainment of all
  targets is `overall` (a tiers or bonus component may name it);
- `rate`: the metric's result × rate (a leader's plan names his team's metric, `team.points`);
- `tiers`: amount × the attainment paid band by band (each band's share × its rate), nothing below
  the threshold: below 50 % nothing, 50–100 % linear, above 100 % × 1.5;
- `bonus`: a fixed amount once the attainment reaches 1 (or the component's `at`);
- a component's `cap`, and the plan's `cap` over all variable pay, limit what is paid.

Overrides replace any figure for one employee: {"base": …, "targets.<code>.target": …,
"components.<code>.<field>": …}. Every amount is rounded once, by the platform's money rule."""

import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from services.platform.money import round_money

KINDS = ("rate", "tiers", "bonus")
FIELDS = {"targets": ("target", "weight"), "components": ("rate", "amount", "threshold", "at", "cap")}  # overridable
ZERO, ONE = Decimal("0"), Decimal("1")
OVERALL = "overall"


class PlanError(ValueError):
    """A plan or an override that is not well formed (its message names the place)."""


def _decimal(value, where, minimum=ZERO):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PlanError(_l("%(where)s: not a number", where=where)) from None
    if not number.is_finite() or (minimum is not None and number < minimum):
        raise PlanError(_l("%(where)s: a number of at least %(minimum)s", where=where, minimum=minimum))
    return number


def parse(spec):
    """The plan `spec` checked and with every figure as Decimal; PlanError names what is wrong."""
    if not isinstance(spec, dict):
        raise PlanError(_l("A plan is an object in braces: {…}."))
    plan = {"base": _decimal(spec.get("base", 0), "base"), "targets": [], "components": []}
    codes = set()
    for n, target in enumerate(spec.get("targets") or []):
        code = str(target.get("code") or "")
        if not code or code in codes or code == OVERALL:
            raise PlanError(_l("%(where)s: a code of its own is required", where=f"targets[{n}]"))
        codes.add(code)
        plan["targets"].append({
            "code": code, "metric": str(target.get("metric") or code),
            "target": _decimal(target.get("target"), f"targets.{code}.target"),
            "weight": _decimal(target.get("weight", 1), f"targets.{code}.weight"),
        })  # fmt: skip
    seen = set()
    for n, component in enumerate(spec.get("components") or []):
        plan["components"].append(_component(component, n, codes, seen))
    if spec.get("cap") not in (None, ""):
        plan["cap"] = _decimal(spec["cap"], "cap")
    return plan


def _component(component, n, target_codes, seen):
    code, kind = str(component.get("code") or ""), component.get("kind")
    if not code or code in seen:
        raise PlanError(_l("%(where)s: a code of its own is required", where=f"components[{n}]"))
    seen.add(code)
    if kind not in KINDS:
        raise PlanError(_l("%(where)s: kind is one of %(kinds)s", where=f"components.{code}", kinds=", ".join(KINDS)))
    where = f"components.{code}"
    parsed = {"code": code, "kind": kind}
    if kind == "rate":
        parsed["metric"] = str(component.get("metric") or "")
        if not parsed["metric"]:
            raise PlanError(_l("%(where)s: a metric (a result) is required", where=where))
        parsed["rate"] = _decimal(component.get("rate"), f"{where}.rate")
    else:
        parsed["target"] = str(component.get("target") or "")
        if parsed["target"] not in target_codes | {OVERALL}:
            raise PlanError(_l("%(where)s: names no target of the plan", where=where))
        parsed["amount"] = _decimal(component.get("amount"), f"{where}.amount")
    if kind == "tiers":
        parsed["threshold"] = _decimal(component.get("threshold", 0), f"{where}.threshold")
        tiers = sorted(
            ({"from": _decimal(t.get("from"), f"{where}.tiers.from"), "rate": _decimal(t.get("rate"), f"{where}.tiers.rate")}
             for t in component.get("tiers") or [{"from": 0, "rate": 1}]),
            key=lambda t: t["from"],
        )  # fmt: skip
        parsed["tiers"] = tiers
    if kind == "bonus":
        parsed["at"] = _decimal(component.get("at", 1), f"{where}.at")
    if component.get("cap") not in (None, ""):
        parsed["cap"] = _decimal(component["cap"], f"{where}.cap")
    return parsed


def with_overrides(plan, overrides):
    """(the plan with `overrides` applied, the set of the keys they changed); PlanError for a key
    that names nothing of the plan."""
    result = copy.deepcopy(plan)
    for key, value in (overrides or {}).items():
        parts = key.split(".")
        if parts == ["base"] or parts == ["cap"]:
            result[parts[0]] = _decimal(value, key)
            continue
        if len(parts) != 3 or parts[0] not in ("targets", "components"):
            raise PlanError(_l("%(where)s: not a figure of the plan", where=key))
        items = {item["code"]: item for item in result[parts[0]]}
        item = items.get(parts[1])
        if item is None or parts[2] not in FIELDS[parts[0]]:
            raise PlanError(_l("%(where)s: not a figure of the plan", where=key))
        if parts[2] not in item and parts[2] != "cap":
            raise PlanError(_l("%(where)s: not a figure of this part of the plan", where=key))
        item[parts[2]] = _decimal(value, key)
    return result, set(overrides or {})


@dataclass
class Pay:
    """What a plan pays for some results: the base, each component's amount, the caps' cut, the total."""

    base: Decimal
    lines: dict = field(default_factory=dict)  # component code → amount
    attainment: dict = field(default_factory=dict)  # target code (and "overall") → Decimal
    capped: Decimal = ZERO  # what the plan's cap took off the variable pay
    total: Decimal = ZERO

    @property
    def variable(self):
        return self.total - self.base


def attainments(plan, results):
    """{target code: result / target} and the weighted "overall"; a zero target counts as met."""
    found, weighted, weights = {}, ZERO, ZERO
    for target in plan["targets"]:
        result = Decimal(results.get(target["metric"], 0))
        found[target["code"]] = result / target["target"] if target["target"] else ONE
        weighted += found[target["code"]] * target["weight"]
        weights += target["weight"]
    found[OVERALL] = weighted / weights if weights else ZERO
    return found


def _banded(attainment, threshold, tiers):
    if attainment < threshold:
        return ZERO
    paid = ZERO
    for n, tier in enumerate(tiers):
        upper = tiers[n + 1]["from"] if n + 1 < len(tiers) else None
        top = attainment if upper is None else min(attainment, upper)
        if top > tier["from"]:
            paid += (top - tier["from"]) * tier["rate"]
    return paid


def pay(plan, results):
    """What `plan` (parsed, overrides applied) pays for `results` ({metric: number})."""
    reached = attainments(plan, results)
    lines = {}
    for component in plan["components"]:
        if component["kind"] == "rate":
            amount = Decimal(results.get(component["metric"], 0)) * component["rate"]
        elif component["kind"] == "tiers":
            attained = reached[component["target"]]
            amount = component["amount"] * _banded(attained, component["threshold"], component["tiers"])
        else:
            amount = component["amount"] if reached[component["target"]] >= component["at"] else ZERO
        amount = max(amount, ZERO)
        if "cap" in component:
            amount = min(amount, component["cap"])
        lines[component["code"]] = round_money(amount)
    variable = sum(lines.values(), ZERO)
    capped = max(variable - plan["cap"], ZERO) if "cap" in plan else ZERO
    base = round_money(plan["base"])
    return Pay(base=base, lines=lines, attainment=reached, capped=capped, total=base + variable - capped)


def as_spec(plan):
    """A parsed plan back as JSON data (every figure as text), to keep with a frozen salary."""
    if isinstance(plan, dict):
        return {key: as_spec(value) for key, value in plan.items()}
    if isinstance(plan, list):
        return [as_spec(value) for value in plan]
    return str(plan) if isinstance(plan, Decimal) else plan
