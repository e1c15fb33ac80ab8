"""Changing plans, as the owner does on the plans page: a new version of a position's plan from an
open period on (never a closed one), the raise marks, a person's own figure from a period on with
the reason; and what the page lists: each figure a change may name, the personal figures of the
people one sees, and the raises still to come, held back or not."""

import datetime as dt
import json
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from extensions import db
from models.platform.user import User
from models.salary import PlanOverride, SalaryPeriod, SalaryPlan, SalaryPlanVersion
from services.platform import access, results
from services.platform.errors import RefusedChange
from services.platform.money import MoneyError, parse_money
from services.platform.timezones import now_utc
from services.salary import in_force, periods, plans

NOTE_MAX = 255
REASON_MAX = 500
MONTHS_AHEAD = 3


class PlanChangeError(RefusedChange):
    def __init__(self, errors):
        super().__init__(_l("Check the marked fields."), status=422, errors=errors)


def figures(plan):
    """[(key, value)] of every figure of a parsed plan that a version or an override may change, in
    the plan's order (the keys as services.salary.plans.with_overrides reads them)."""
    found = [("base", plan["base"])]
    for group, fields in plans.FIELDS.items():
        for item in plan[group]:
            found += [(f"{group}.{item['code']}.{name}", item[name]) for name in fields if name in item]
    if "cap" in plan:
        found.append(("cap", plan["cap"]))
    return found


def from_choices(today):
    """The first days a change may take effect from: today's period and the next months'."""
    current = periods.covering(today)
    days = [current.starts_on if current else periods.month_of(today)[0]]
    for _n in range(MONTHS_AHEAD):
        days.append(periods.month_of(days[-1])[1])
    return days


def _from_period(day, today):
    """The period a change takes effect from: one of from_choices (made if need be), and open."""
    if day not in from_choices(today):
        raise PlanChangeError({"from_day": _l("Choose a period from the list: a plan never changes backwards.")})
    period = periods.ensure(day)
    if period.status != "open":
        raise PlanChangeError({"from_day": _l("This period is closed: its salaries do not change any more.")})
    return period


def _when_and_why(from_day, today, text, field, missing):
    """(the period a change takes effect from, its reason on one line, {field: message} of what is
    wrong with either) — a change is checked whole, every field's message at once."""
    errors, period = {}, None
    try:
        period = _from_period(from_day, today)
    except PlanChangeError as error:
        errors.update(error.errors)
    text = " ".join((text or "").split())
    if not text:
        errors[field] = missing
    return period, text, errors


def _check_results(plan):
    for code in {target["metric"] for target in plan["targets"]} | {
        component["metric"] for component in plan["components"] if component["kind"] == "rate"
    }:
        if not results.known(code.removeprefix("team.")):
            raise plans.PlanError(_l("%(where)s: no such result", where=code))


def latest_version(plan_row):
    query = (
        select(SalaryPlanVersion)
        .join(SalaryPeriod, SalaryPeriod.id == SalaryPlanVersion.from_period_id)
        .where(SalaryPlanVersion.plan_id == plan_row.id)
        .order_by(SalaryPeriod.starts_on.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def check_may_plan(by, person_id=None):
    """PermissionError unless `by` keeps the plans (salary.plans) — and, for a person's own figure,
    the person is not himself."""
    if not access.can(by, "salary.plans") or person_id == by.id:
        raise PermissionError("may not change plans")


def new_version(by, plan_row, from_day, note, *, spec_text=None, figures_sent=None, today=None):
    """The plan's version from the chosen period (flushed): its latest figures with `figures_sent`
    ({key: text}) changed, or the whole plan as data (`spec_text`, JSON). A version already starting
    in that period (still open) is replaced. PlanChangeError names what is wrong."""
    check_may_plan(by)
    period, note, errors = _when_and_why(from_day, today or now_utc().date(), note, "note",
                                         _l("Say what changes and why: it stays in the plan's history."))  # fmt: skip
    spec = None
    try:
        if spec_text is not None:
            spec = _loaded(spec_text)
            parsed = plans.parse(spec)
        else:
            changes = _figure_values(figures_sent or {})
            if not changes:
                raise plans.PlanError(_l("Change at least one figure."))
            latest = latest_version(plan_row)
            parsed, _keys = plans.with_overrides(plans.parse(latest.spec if latest else {}), changes)
            spec = plans.as_spec(parsed)
        _check_results(parsed)
    except plans.PlanError as error:
        errors["spec" if spec_text is not None else "figures"] = str(error)
    if errors:
        raise PlanChangeError(errors)
    version = db.session.scalar(
        select(SalaryPlanVersion).where(SalaryPlanVersion.plan_id == plan_row.id,
                                        SalaryPlanVersion.from_period_id == period.id)
    )  # fmt: skip
    if version is None:
        version = SalaryPlanVersion(plan_id=plan_row.id, from_period_id=period.id)
        db.session.add(version)
    version.spec, version.note, version.created_by_id, version.created_at = spec, note[:NOTE_MAX], by.id, now_utc()
    db.session.flush()
    return version


def _loaded(text):
    try:
        return json.loads(text)
    except ValueError as error:
        line, column = getattr(error, "lineno", 1), getattr(error, "colno", 1)
        raise plans.PlanError(_l("Not valid data at line %(line)s, column %(column)s: check the quotes, commas and "
                                 "brackets.", line=line, column=column)) from None  # fmt: skip


def spec_text(spec):
    """A plan's data as the owner edits it: indented JSON, in the plan's own order."""
    return json.dumps(spec, ensure_ascii=False, indent=2)


def _figure_values(sent):
    """Only the figures given (a blank input keeps the plan's)."""
    return {key: value.strip().replace(",", ".").replace(" ", "") for key, value in sent.items() if value.strip()}


def set_raises(by, plan_row, enabled, after, percent, fixed):
    """The plan's raise marks: on/off, after how many periods met, by a percent or a fixed figure."""
    check_may_plan(by)
    errors = {}
    try:
        after = int(after)
        if not 1 <= after <= 24:
            raise ValueError
    except (TypeError, ValueError):
        errors["raise_after"] = _l("A whole number of periods from 1 to 24.")
    amounts = {}
    for name, text, top in (("raise_percent", percent, Decimal("100")), ("raise_fixed", fixed, None)):
        if not (text or "").strip():
            amounts[name] = None
            continue
        try:
            amounts[name] = parse_money(text)
            if amounts[name] <= 0 or (top is not None and amounts[name] > top):
                raise MoneyError(name)
        except MoneyError:
            errors[name] = _l("A number above zero, such as 10 or 500.00.")
    if enabled and not errors and (amounts["raise_percent"] is None) == (amounts["raise_fixed"] is None):
        errors["raise_percent"] = _l("Give the raise either as a percent or as a fixed figure.")
    if errors:
        raise PlanChangeError(errors)
    plan_row.raises_targets, plan_row.raise_after = bool(enabled), after
    plan_row.raise_percent, plan_row.raise_fixed = amounts["raise_percent"], amounts["raise_fixed"]
    db.session.flush()
    return plan_row


def override(by, person_id, key, value, from_day, reason, today=None):
    """A person's own figure from the chosen period on (flushed), with who and why; never one's own."""
    check_may_plan(by, person_id)
    period, reason, errors = _when_and_why(from_day, today or now_utc().date(), reason, "reason",
                                           _l("Say why: the employee and his leaders will read it."))  # fmt: skip
    changed = None
    if period is not None:
        plan = in_force.plans_for([person_id], period)[person_id].plan
        if key not in dict(figures(plan)):
            errors["key"] = _l("Choose a figure of the person's plan.")
        else:
            try:
                changed = plans.with_overrides(plan, {key: (value or "").strip().replace(",", ".")})[0]
            except plans.PlanError:
                errors["value"] = _l("Enter a number of zero or more.")
    if errors:
        raise PlanChangeError(errors)
    value = str(dict(figures(changed))[key])
    item = PlanOverride(user_id=person_id, from_period_id=period.id, key=key, value=value, kind="manual",
                        reason=reason[:REASON_MAX], created_by_id=by.id, created_at=now_utc())  # fmt: skip
    db.session.add(item)
    db.session.flush()
    results.changed.send(None, user_ids={person_id})
    return item


def personal_figures(user_ids, limit=200):
    """[(override, person's name, author's name, its period's first day)] of these people, the
    latest first: every personal figure, raise and hold, with who, when and why."""
    if not user_ids:
        return []
    author = db.aliased(User)
    query = (
        select(PlanOverride, func.coalesce(User.full_name, User.username),
               func.coalesce(author.full_name, author.username), SalaryPeriod.starts_on)
        .join(User, User.id == PlanOverride.user_id)
        .outerjoin(author, author.id == PlanOverride.created_by_id)
        .join(SalaryPeriod, SalaryPeriod.id == PlanOverride.from_period_id)
        .where(PlanOverride.user_id.in_(sorted(user_ids)))
        .order_by(PlanOverride.created_at.desc(), PlanOverride.id.desc())
        .limit(limit)
    )  # fmt: skip
    return db.session.execute(query).all()


def upcoming_raises(user_ids, today):
    """[(raise override, person's name, its period's first day, held: the hold override or None)]
    whose period starts after `today`: what a leader may still hold back."""
    if not user_ids:
        return []
    query = (
        select(PlanOverride, func.coalesce(User.full_name, User.username), SalaryPeriod.starts_on)
        .join(User, User.id == PlanOverride.user_id)
        .join(SalaryPeriod, SalaryPeriod.id == PlanOverride.from_period_id)
        .where(PlanOverride.user_id.in_(sorted(user_ids)), PlanOverride.kind.in_(("raise", "hold")),
               SalaryPeriod.starts_on > today)
        .order_by(SalaryPeriod.starts_on, User.full_name, PlanOverride.id)
    )  # fmt: skip
    rows = db.session.execute(query).all()
    holds = {(item.user_id, item.key, item.from_period_id): item for item, _name, _day in rows if item.kind == "hold"}
    return [(item, name, starts, holds.get((item.user_id, item.key, item.from_period_id)))
            for item, name, starts in rows if item.kind == "raise"]  # fmt: skip


def plans_with_versions():
    """[(plan, its versions latest first as (version, first day, author's name))] by position rank."""
    from models.platform.org import Position

    plan_rows = db.session.scalars(
        select(SalaryPlan).join(Position, Position.id == SalaryPlan.position_id).order_by(Position.rank, Position.id)
    ).all()
    query = (
        select(SalaryPlanVersion, SalaryPeriod.starts_on, func.coalesce(User.full_name, User.username))
        .join(SalaryPeriod, SalaryPeriod.id == SalaryPlanVersion.from_period_id)
        .outerjoin(User, User.id == SalaryPlanVersion.created_by_id)
        .order_by(SalaryPeriod.starts_on.desc())
    )
    versions = {}
    for version, starts, author in db.session.execute(query):
        versions.setdefault(version.plan_id, []).append((version, starts, author))
    return [(plan_row, versions.get(plan_row.id, [])) for plan_row in plan_rows]


def is_day(text):
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None
