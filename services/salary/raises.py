"""Automatic raises of plan targets: for a plan whose position the owner marked, a target a person
met in each of the last N closed periods is raised for the next period, by a percent or a fixed
figure, as an override of kind "raise" with its reason — once per person, target and period,
however many schedulers run it (a unique index). A leader holds a raise back before its period
starts: an override of kind "hold" putting the figure back, with his reason."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models.salary import PlanOverride, SalaryPeriod, SalaryPlan, SalaryResult
from services.platform.money import round_money
from services.platform.timezones import now_utc
from services.salary import adjustments, in_force, periods, plans

MET = "met:"  # an automatic raise's reason as kept: read in the reader's language by reason_text


def reason_text(override):
    """Why a personal figure is what it is, as the reader reads it."""
    if override.kind == "raise" and override.reason.startswith(MET) and override.reason[len(MET) :].isdigit():
        return _l("Met %(count)s periods running", count=int(override.reason[len(MET) :]))
    return override.reason


def _met(result, target_code):
    plan = plans.parse(result.inputs["plan"])
    reached = plans.attainments(plan, {code: Decimal(v) for code, v in result.inputs["results"].items()})
    return target_code in reached and reached[target_code] >= 1


def raised(value, plan):
    if plan.raise_percent:
        return round_money(value * (1 + plan.raise_percent / 100))
    return round_money(value + (plan.raise_fixed or 0))


def run(next_period, by=None):
    """The raises due from `next_period`, the first one that has not begun: a target met in each of
    the last N closed periods before it (the open one between them does not count yet). [PlanOverride]
    added."""
    added = []
    for plan in db.session.scalars(select(SalaryPlan).where(SalaryPlan.raises_targets.is_(True))).all():
        history = [p for p in periods.previous(next_period, plan.raise_after + 1) if p.status == "closed"]
        history = history[: plan.raise_after]
        if len(history) < plan.raise_after:
            continue
        people = _holders(plan, history[0])
        in_force_next = in_force.plans_for(people, next_period)
        frozen = {(row.user_id, row.period_id): row for row in db.session.scalars(
            select(SalaryResult).where(SalaryResult.user_id.in_(people),
                                       SalaryResult.period_id.in_([p.id for p in history])))}  # fmt: skip
        for user_id in people:
            if any((user_id, p.id) not in frozen for p in history):
                continue
            for target in in_force_next[user_id].plan["targets"]:
                if all(_met(frozen[(user_id, p.id)], target["code"]) for p in history):
                    override = _raise(user_id, next_period, target, plan, by)
                    if override is not None:
                        added.append(override)
    return added


def _holders(plan, period):
    """Who was paid on this plan's position in `period`."""
    rows = db.session.scalars(select(SalaryResult).where(SalaryResult.period_id == period.id)).all()
    positions = in_force.positions_of([row.user_id for row in rows])
    return [row.user_id for row in rows if positions.get(row.user_id) and positions[row.user_id].id == plan.position_id]


def _raise(user_id, period, target, plan, by):
    key = f"targets.{target['code']}.target"
    override = PlanOverride(
        user_id=user_id, from_period_id=period.id, key=key, value=str(raised(target["target"], plan)), kind="raise",
        reason=f"{MET}{plan.raise_after}", created_by_id=by.id if by else None,
        created_at=now_utc(),
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(override)
    except IntegrityError:
        return None  # raised already, by this run before or by another scheduler
    return override


def hold(by, raise_override, reason):
    """Hold a raise back before its period starts: the figure it replaced comes back, with the
    leader's reason. PermissionError for who may not adjust the person's salary."""
    if not adjustments.may_adjust(by, raise_override.user_id):
        raise PermissionError("not his leader")
    period = db.session.get(SalaryPeriod, raise_override.from_period_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise adjustments.AdjustmentError({"reason": _l("Say why: the employee and your leader will read it.")})
    if period.starts_on <= now_utc().date() or period.status != "open":
        raise adjustments.AdjustmentError(
            {"reason": _l("The period has begun: a raise is held back before it starts.")}
        )
    before = periods.previous(period, 1)
    code = raise_override.key.split(".")[1]
    earlier = in_force.plans_for([raise_override.user_id], before[0])[raise_override.user_id].plan if before else {}
    targets = {target["code"]: target["target"] for target in earlier.get("targets", [])}
    if code not in targets:
        raise adjustments.AdjustmentError({"reason": _l("There is no earlier figure to keep.")})
    value = str(targets[code])
    held = PlanOverride(user_id=raise_override.user_id, from_period_id=period.id, key=raise_override.key, value=value,
                        kind="hold", reason=reason[:500], created_by_id=by.id, created_at=now_utc())  # fmt: skip
    db.session.add(held)
    db.session.flush()
    return held
