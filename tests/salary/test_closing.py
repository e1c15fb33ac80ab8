"""Closing a period freezes every salary with its inputs: a later change of plan, results or
adjustments changes nothing of it, the database refuses to update it, and the check recomputes it."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from extensions import db
from jobs import salary as salary_jobs
from models.salary import SalaryResult
from services import ledger
from services.salary import adjustments, closing, periods
from tests.factories.salary import set_plan


def frozen(team, period):
    return closing.frozen_of(team["employee"].id, period)


def test_closing_freezes_everyone_once_and_a_second_run_adds_nothing(team, period):
    assert salary_jobs.close_period(period.id, team["owner"].id) == len(closing.people_paid())
    assert period.status == "closed" and period.closed_by_id == team["owner"].id
    assert frozen(team, period).total == Decimal("10550.00")  # 10,000 + 30 × 10 + 250
    count = db.session.scalar(select(func.count()).select_from(SalaryResult))
    assert salary_jobs.close_period(period.id, team["owner"].id) == 0
    assert db.session.scalar(select(func.count()).select_from(SalaryResult)) == count


def test_a_closed_salary_never_changes_and_the_check_recomputes_it(team, period, app):
    salary_jobs.close_period(period.id, team["owner"].id)
    set_plan(
        "employee",
        {
            "base": "99999",
            "targets": [],
            "components": [{"code": "per_point", "kind": "rate", "metric": "points", "rate": "10"}],
        },
        period,
    )
    ledger.credit("test", ledger.Source("test", 2), employee_id=team["employee"].id, employee_amount=1000)
    db.session.commit()
    assert frozen(team, period).total == Decimal("10550.00")
    with pytest.raises(periods.PeriodError):
        adjustments.adjust(team["supervisor"], team["employee"].id, period, "bonus", "1", "results", "Late")
    assert closing.mismatches() == []
    assert "every frozen salary" in app.test_cli_runner().invoke(args=["salary-check"]).output
    with pytest.raises(DBAPIError):
        db.session.execute(update(SalaryResult).values(total=Decimal("1")))
    db.session.rollback()


def test_a_close_cut_short_goes_on_where_it_stopped(team, period, monkeypatch):
    people = closing.people_paid()
    monkeypatch.setattr(closing, "BATCH", 2)
    calls = []

    def stop_after_first(done, total):
        calls.append(done)
        if len(calls) == 1:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        closing.close(period, team["owner"], stop_after_first)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SalaryResult)) == 0  # all or nothing
    assert salary_jobs.close_period(period.id, team["owner"].id) == len(people)
