"""Everyone's salary and forecast for the open period, computed in batches (the background job) and
kept as SalaryEstimate rows for the tables too wide to compute on a page; and the same figures for a
few people computed live."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select

from extensions import db
from models.salary import SalaryEstimate
from services.platform import bulk
from services.platform.timezones import now_utc
from services.salary import closing, forecast, plans, salaries

BATCH = 250


@dataclass
class Estimate:
    salary: salaries.Salary
    forecast: forecast.Forecast

    @property
    def attainment(self):
        return self.salary.pay.attainment.get(plans.OVERALL, Decimal(0))


def compute(user_ids, period, now=None):
    """{user id: Estimate} of these people in an open period."""
    now = now or now_utc()
    found = salaries.of_people(user_ids, period)
    averages = forecast.history_averages(found, period, {user_id: salary.results for user_id, salary in found.items()})
    return {
        user_id: Estimate(salary, forecast.forecast(salary, period, salary.zone, now, averages.get(user_id, {})))
        for user_id, salary in found.items()
    }


def refresh(period, tell=lambda done, total: None):
    """Compute everyone's and keep it in place of the last run's (flushed; the caller commits). The
    number of people."""
    people = closing.people_paid()
    now = now_utc()
    db.session.execute(delete(SalaryEstimate).where(SalaryEstimate.period_id == period.id))
    for start in range(0, len(people), BATCH):
        batch = compute(people[start : start + BATCH], period, now)
        bulk.insert_rows(SalaryEstimate, [
            {"period_id": period.id, "user_id": user_id, "base": item.salary.pay.base,
             "variable": item.salary.pay.variable, "adjustments": item.salary.adjustments, "total": item.salary.total,
             "attainment": round(item.attainment, 4), "forecast_low": item.forecast.low,
             "forecast_high": item.forecast.high, "computed_at": now}
            for user_id, item in batch.items()
        ])  # fmt: skip
        tell(start + len(batch), len(people))
    return len(people)


def kept(user_ids, period):
    """{user id: SalaryEstimate} of the last run, for these people."""
    query = select(SalaryEstimate).where(
        SalaryEstimate.period_id == period.id, SalaryEstimate.user_id.in_(sorted(user_ids))
    )
    return {row.user_id: row for row in db.session.scalars(query)}
