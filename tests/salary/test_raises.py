"""Automatic raises: a target met in each of the last N closed periods is raised for the next period
that has not begun, once per person however often the job runs; a leader holds one back."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models.salary import PlanOverride, SalaryPeriod
from services.salary import adjustments, in_force, periods, raises


def target_of(person, period):
    return in_force.plans_for([person.id], period)[person.id].plan["targets"][0]["target"]


def test_a_target_met_long_enough_is_raised_once(team, history):
    added = raises.run(history)
    assert [(o.user_id, o.key, o.value, o.kind) for o in added] == [
        (team["employee"].id, "targets.points.target", "110.00", "raise")
    ]
    assert target_of(team["employee"], history) == Decimal("110.00")
    assert target_of(team["employee2"], history) == Decimal("100")  # 80 of 100: not met
    assert raises.run(history) == []
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PlanOverride)) == 1


def test_a_leader_holds_a_raise_back_before_its_period(team, history):
    (raised,) = raises.run(history)
    with pytest.raises(PermissionError):
        raises.hold(team["peer"], raised, "Not mine")
    with pytest.raises(adjustments.AdjustmentError):
        raises.hold(team["supervisor"], raised, "  ")
    held = raises.hold(team["supervisor"], raised, "New clients market, keep the target")
    assert (held.kind, held.value) == ("hold", "100")
    assert target_of(team["employee"], history) == Decimal("100")


def test_nothing_is_raised_without_enough_closed_periods(team, history):
    second = periods.covering(date(2040, 2, 10))
    second.status = "open"
    db.session.commit()
    assert raises.run(history) == []


def test_a_period_that_has_begun_is_not_held(team, history):
    (raised,) = raises.run(history)
    history.starts_on = date.today() - timedelta(days=1)
    db.session.flush()
    with pytest.raises(adjustments.AdjustmentError):
        raises.hold(team["supervisor"], raised, "Too late")


def test_two_schedulers_at_once_raise_once(app, team, history):
    upcoming_id, start, answers = history.id, threading.Barrier(2), []

    def run_job():
        with app.app_context():
            start.wait()
            for _attempt in range(20):
                try:
                    added = raises.run(db.session.get(SalaryPeriod, upcoming_id))
                    db.session.commit()
                    answers.append(len(added))
                    return
                except Exception:  # noqa: BLE001 - SQLite's busy writer: the scheduler runs again later
                    db.session.rollback()
            answers.append("gave up")

    threads = [threading.Thread(target=run_job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [0, 1]
    assert db.session.scalar(select(func.count()).select_from(PlanOverride).where(PlanOverride.kind == "raise")) == 1
