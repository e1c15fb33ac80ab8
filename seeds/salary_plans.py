"""The salary plans of seeds/salary_plans.yaml for the positions that have none yet, in force from
the period of today (the owner's own plans and versions are kept as they are)."""

from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from extensions import db
from models.platform.org import Position
from models.salary import SalaryPlan, SalaryPlanVersion
from services.salary import periods, plans

PLANS_FILE = Path(__file__).with_name("salary_plans.yaml")


def load_salary_plans(today=None):
    data = yaml.safe_load(PLANS_FILE.read_text(encoding="utf-8"))["plans"]
    positions = {position.code: position for position in db.session.scalars(select(Position))}
    planned = set(db.session.scalars(select(SalaryPlan.position_id)))
    missing = [(code, spec) for code, spec in data.items() if code in positions and positions[code].id not in planned]
    if not missing:
        return
    period = periods.ensure(today or date.today())
    for code, spec in missing:
        raises = spec.pop("raises", None) or {}
        plans.parse(spec)  # a seed that is not a valid plan stops here, naming its place
        plan = SalaryPlan(position_id=positions[code].id, raises_targets=bool(raises), raise_after=raises.get("after", 3),
                          raise_percent=raises.get("percent"), raise_fixed=raises.get("fixed"))  # fmt: skip
        db.session.add(plan)
        db.session.flush()
        db.session.add(SalaryPlanVersion(plan_id=plan.id, from_period_id=period.id, spec=spec))
    db.session.commit()
