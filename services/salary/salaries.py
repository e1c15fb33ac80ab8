"""What each person earns in a period: his plan in force (services.salary.in_force) paid for his
results over the period's span in his time zone (services.platform.results), plus his leaders'
adjustments. A leader's plan may name his team's results ("team.<result>": the sum of his
subordinates'). For an open period: a closed one is read from its frozen figures (services.salary.closing),
never computed again."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models.platform.user import User
from models.salary import SalaryAdjustment
from services.platform import hierarchy, results
from services.platform.money import round_money
from services.platform.timezones import DEFAULT_ZONE
from services.salary import in_force, periods, plans

TEAM = "team."
ZERO = Decimal("0.00")


@dataclass
class Salary:
    user_id: int
    in_force: in_force.PlanInForce
    results: dict  # result code → Decimal
    pay: plans.Pay
    adjustments: Decimal
    zone: str = DEFAULT_ZONE

    @property
    def total(self):
        return self.pay.total + self.adjustments


def result_codes(plan):
    """The results a plan reads: its targets' and its rate components'."""
    codes = {target["metric"] for target in plan["targets"]}
    codes |= {component["metric"] for component in plan["components"] if component["kind"] == "rate"}
    return codes


def adjustments_of(user_ids, period):
    """{user id: the sum of his adjustments in `period`} (a cancelled one and its cancellation out)."""
    rows = db.session.scalars(
        select(SalaryAdjustment).where(
            SalaryAdjustment.period_id == period.id, SalaryAdjustment.user_id.in_(sorted(user_ids))
        )
    ).all()
    cancelled = {row.cancels_id for row in rows if row.cancels_id}
    found = defaultdict(lambda: ZERO)
    for row in rows:
        if row.cancels_id is None and row.id not in cancelled:
            found[row.user_id] += row.signed
    return found


def zones_of(people):
    """{user id: his time zone's name}."""
    zones = dict(db.session.execute(select(User.id, User.timezone).where(User.id.in_(sorted(people)))).all())
    return {user_id: zones.get(user_id) or DEFAULT_ZONE for user_id in people}


def _results(people, period, wanted, zones):
    """{user id: {code: Decimal}} of the codes each person's plan reads, his team's included: per
    time zone, one count per result for everyone in it and one for all the leaders' teams together."""
    by_zone = defaultdict(list)
    for user_id in people:
        by_zone[zones[user_id]].append(user_id)
    own_codes = {code for codes in wanted.values() for code in codes if not code.startswith(TEAM)}
    team_codes = {code[len(TEAM) :] for codes in wanted.values() for code in codes if code.startswith(TEAM)}
    found = defaultdict(dict)
    for zone, members in by_zone.items():
        starts, ends = periods.span(period, zone)
        for code, values in results.of_people(own_codes, members, starts, ends).items():
            for user_id, value in values.items():
                found[user_id][code] = value
        leaders = [user_id for user_id in members if any(code.startswith(TEAM) for code in wanted[user_id])]
        if not leaders:
            continue
        teams = {leader: db.session.scalars(hierarchy.subordinate_ids(leader)).all() for leader in leaders}
        everyone = {user_id for team in teams.values() for user_id in team}
        counted = set(members)  # their own results over this span are read above: not again
        for code in team_codes:
            values = (
                {user_id: found[user_id].get(code, 0) for user_id in everyone & counted} if code in own_codes else {}
            )
            values.update(results.of_people([code], everyone - set(values), starts, ends)[code])
            for leader, team in teams.items():
                found[leader][TEAM + code] = sum((values.get(user_id, 0) for user_id in team), Decimal(0))
    return found


def of_people(user_ids, period):
    """{user id: Salary} of these people in an open period."""
    people = list(dict.fromkeys(user_ids))
    in_force_now = in_force.plans_for(people, period)
    wanted = {user_id: result_codes(item.plan) for user_id, item in in_force_now.items()}
    zones = zones_of(people)
    found_results = _results(people, period, wanted, zones)
    adjusted = adjustments_of(people, period)
    salaries = {}
    for user_id in people:
        mine = {code: found_results[user_id].get(code, Decimal(0)) for code in wanted[user_id]}
        pay = plans.pay(in_force_now[user_id].plan, mine)
        salaries[user_id] = Salary(user_id, in_force_now[user_id], mine, pay, round_money(adjusted[user_id]),
                                   zones[user_id])  # fmt: skip
    return salaries


def of_person(user_id, period):
    return of_people([user_id], period)[user_id]
