"""The open period's forecast for a person: his results so far carried to the period's end at his
run-rate (working days elapsed against the period's, in his time zone), and his average of the last
closed periods as a second estimate; the salary of each, shown as a range. And what he is missing
to reach each target's next step: "3 paid invoices more → +4,500"."""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from extensions import db
from models.salary import SalaryPeriod, SalaryResult
from services.salary import periods, plans

HISTORY = 3


@dataclass
class Forecast:
    low: Decimal
    high: Decimal
    run_rate: dict  # result code → projected
    elapsed_days: int
    working_days: int


@dataclass
class NextStep:
    target: str  # target code
    metric: str
    missing: Decimal  # how many more of the metric
    gain: Decimal  # what the salary gains with them


def working_days(period, zone_name, now):
    """(working days elapsed, including today; working days of the period) in the person's zone."""
    today = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone_name)).date()
    days = [day for day in periods.days(period) if periods.is_working_day(day)]
    return sum(1 for day in days if day <= today), len(days)


def history_averages(user_ids, period, codes):
    """{user id: {code: average}} of each one's results in his last closed periods before `period`
    (none: {}), for the result codes `codes` ({user id: codes}) — one query for them all."""
    rows = db.session.execute(
        select(SalaryResult.user_id, SalaryResult.inputs)
        .join(SalaryPeriod, SalaryPeriod.id == SalaryResult.period_id)
        .where(SalaryResult.user_id.in_(sorted(user_ids)), SalaryPeriod.starts_on < period.starts_on)
        .order_by(SalaryResult.user_id, SalaryPeriod.starts_on.desc())
    ).all()
    last = {}
    for user_id, inputs in rows:
        if len(last.setdefault(user_id, [])) < HISTORY:
            last[user_id].append(inputs["results"])
    return {
        user_id: {code: sum((Decimal(kept.get(code, "0")) for kept in found), Decimal(0)) / len(found)
                  for code in codes[user_id]}
        for user_id, found in last.items()
    }  # fmt: skip


def history_average(user_id, period, codes):
    """{code: average} of his results in his last closed periods before `period` (none: {})."""
    return history_averages([user_id], period, {user_id: codes}).get(user_id, {})


def forecast(salary, period, zone_name, now: datetime, averages=None):
    """The range of his salary at the period's end; `averages`: his history (history_averages),
    read here when not given."""
    elapsed, total = working_days(period, zone_name, now)
    factor = Decimal(total) / Decimal(elapsed) if elapsed else Decimal(0)
    projected = {code: value * factor for code, value in salary.results.items()} if elapsed else {}
    plan = salary.in_force.plan
    estimates = [plans.pay(plan, projected).total if elapsed else salary.pay.total]
    if averages is None:
        averages = history_average(salary.user_id, period, salary.results)
    if averages:
        estimates.append(plans.pay(plan, averages).total)
    adjust = salary.adjustments
    return Forecast(min(estimates) + adjust, max(estimates) + adjust, projected, elapsed, total)


def _steps(plan, target_code):
    """The attainments at which a target's pay steps up: tiers' threshold and bands, bonuses' marks."""
    found = set()
    for component in plan["components"]:
        if component.get("target") != target_code:
            continue
        if component["kind"] == "tiers":
            found.add(component["threshold"])
            found.update(tier["from"] for tier in component["tiers"])
        elif component["kind"] == "bonus":
            found.add(component["at"])
    return sorted(found)


def next_steps(salary):
    """[NextStep] for each target whose pay has a step above his attainment now."""
    plan, found = salary.in_force.plan, []
    for target in plan["targets"]:
        attained = salary.pay.attainment.get(target["code"], Decimal(0))
        above = [step for step in _steps(plan, target["code"]) if step > attained]
        if not above or not target["target"]:
            continue
        now = salary.results.get(target["metric"], Decimal(0))
        missing = Decimal(math.ceil(above[0] * target["target"] - now))
        more = {**salary.results, target["metric"]: now + missing}
        gain = plans.pay(plan, more).total - salary.pay.total
        if missing > 0 and gain > 0:
            found.append(NextStep(target["code"], target["metric"], missing, gain))
    return found
