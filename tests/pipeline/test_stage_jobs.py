"""The pipeline's scheduled jobs against real rows: periodic tasks in the engagement-like stages,
deadline roll-over in the bank-check-like stages; twice is a no-op, two at once add nothing twice."""

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from extensions import db
from jobs.pipeline import open_periodic_stage_tasks, roll_bank_check_deadlines
from models.base import utcnow
from models.cards.card import Card
from models.pipeline import Stage, StageTask
from services.cards.board import cards_pipeline
from services.pipeline import periodic
from services.pipeline.calendar import next_deadline
from tests.conftest import SERVICES_MODE
from tests.factories.cards import card_in, periodic_stage, tasks_of_card_id
from tests.factories.platform import make_user


def rollover_stage():
    return db.session.scalar(
        select(Stage).where(Stage.pipeline_id == cards_pipeline().id, Stage.deadline_rollover.is_(True))
    )


def state():
    db.session.expire_all()
    rows = db.session.execute(
        select(StageTask.id, StageTask.subject_id, StageTask.seq, StageTask.closed_at, StageTask.deadline).order_by(
            StageTask.id
        )
    ).all()
    return [tuple(row) for row in rows]


@pytest.fixture
def people():
    return {"agent": make_user(role_code="agent"), "manager": make_user(role_code="manager")}


# --- (a) periodic tasks --------------------------------------------------------------------


def test_a_card_past_the_interval_gets_its_task_closed_and_a_new_one_for_its_responsible(people):
    stage = periodic_stage()
    interval = stage.periodic_interval_days
    due = card_in(stage, days_ago=interval, agent=people["agent"])
    fresh = card_in(stage, days_ago=interval - 1, agent=people["agent"])

    assert open_periodic_stage_tasks() == 1

    old, new = tasks_of_card_id(due.id)
    assert old.closed_at is not None and old.values == {"periodic": True}
    assert old.closed_by_id is None and old.moved_to_stage_id == stage.id
    assert new.closed_at is None and new.seq == old.seq + 1 and new.stage_id == stage.id
    assert new.assignee_id == people["agent"].id
    assert new.deadline - new.opened_at == timedelta(days=stage.deadline_days)
    assert new.period_key is not None
    assert len(tasks_of_card_id(fresh.id)) == 1
    card = db.session.get(Card, due.id)
    assert card.stage_id == stage.id and card.version == due.version  # not a move


def test_a_second_run_in_the_same_period_changes_nothing(people):
    stage = periodic_stage()
    for _ in range(3):
        card_in(stage, days_ago=stage.periodic_interval_days + 1, agent=people["agent"])
    assert open_periodic_stage_tasks(batch_size=2) == 3
    before = state()
    assert open_periodic_stage_tasks() == 0
    assert state() == before


def test_the_next_period_gets_the_next_task_and_a_late_run_catches_up_with_one(people):
    stage = periodic_stage()
    interval = timedelta(days=stage.periodic_interval_days)
    card = card_in(stage, days_ago=0, agent=people["agent"])
    start = db.session.get(Card, card.id).stage_entered_at
    assert open_periodic_stage_tasks(now=start + interval) == 1
    assert open_periodic_stage_tasks(now=start + interval * 1.5) == 0
    # The scheduler was down for three periods: one new task, not three.
    assert open_periodic_stage_tasks(now=start + interval * 5) == 1
    keys = [task.period_key for task in tasks_of_card_id(card.id)]
    assert keys[0] is None and len(set(keys[1:])) == 2
    assert sum(task.closed_at is None for task in tasks_of_card_id(card.id)) == 1


def test_cards_elsewhere_or_deleted_are_left_alone(people):
    stage = periodic_stage()
    other = db.session.scalar(select(Stage).where(Stage.pipeline_id == stage.pipeline_id, Stage.id != stage.id))
    elsewhere = card_in(other, days_ago=30, agent=people["agent"])
    deleted = card_in(stage, days_ago=30, agent=people["agent"])
    db.session.get(Card, deleted.id).deleted_at = utcnow()
    db.session.commit()
    assert open_periodic_stage_tasks() == 0
    assert len(tasks_of_card_id(elsewhere.id)) == len(tasks_of_card_id(deleted.id)) == 1


def test_the_interval_is_data_an_edited_stage_applies_at_once(people):
    stage = periodic_stage()
    card = card_in(stage, days_ago=1, agent=people["agent"])
    assert open_periodic_stage_tasks() == 0
    stage.periodic_interval_days = 1
    db.session.commit()
    assert open_periodic_stage_tasks() == 1
    assert len(tasks_of_card_id(card.id)) == 2


def _run_in_own_session(app, barrier, results, errors):
    """One scheduler's run: its own app context, so its own session and connection."""
    with app.app_context():
        try:
            barrier.wait(timeout=10)
            results.append(open_periodic_stage_tasks(batch_size=3))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            db.session.remove()


def test_two_runs_at_once_never_create_a_second_task(app, people):
    stage = periodic_stage()
    cards = [card_in(stage, days_ago=10, agent=people["agent"]).id for _ in range(8)]
    db.session.remove()
    barrier, results, errors = threading.Barrier(2), [], []
    lock = threading.Lock()

    def run():
        if SERVICES_MODE:  # PostgreSQL: the real race, decided by the row lock and the unique keys
            _run_in_own_session(app, barrier, results, errors)
        else:  # SQLite has one writer at a time: the runs go one after the other
            barrier_one = threading.Barrier(1)
            with lock:
                _run_in_own_session(app, barrier_one, results, errors)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == len(cards)
    for card_id in cards:
        tasks = tasks_of_card_id(card_id)
        assert len(tasks) == 2, tasks
        assert sum(task.closed_at is None for task in tasks) == 1


def test_the_period_key_refuses_a_second_task_for_the_same_period(people):
    stage = periodic_stage()
    card = card_in(stage, days_ago=10, agent=people["agent"])
    now = utcnow()
    assert open_periodic_stage_tasks(now=now) == 1
    opened = [task for task in tasks_of_card_id(card.id) if task.closed_at is None][0]
    # Another run that read the card before the first committed: closes nothing, adds nothing.
    fetched = db.session.get(Card, card.id)
    assert periodic.renew(fetched, stage, tasks_of_card_id(card.id)[0].id, 1, now) is False
    assert periodic.renew(fetched, stage, opened.id, opened.seq - 1, now) is False
    db.session.commit()
    assert len(tasks_of_card_id(card.id)) == 2 and tasks_of_card_id(card.id)[1].closed_at is None


# --- (b) bank-check deadlines --------------------------------------------------------------


def test_next_deadline_is_the_start_of_tomorrow_in_the_business_zone():
    # 2026-03-06 is a Friday; Kyiv is UTC+2 in March.
    friday_late = datetime(2026, 3, 6, 21, 30)  # Friday 23:30 in Kyiv
    assert next_deadline(friday_late, "Europe/Kyiv", skip_weekends=False) == (
        datetime(2026, 3, 6, 22, 0),  # Saturday 00:00 in Kyiv
        datetime(2026, 3, 6, 22, 0),
    )
    assert next_deadline(friday_late, "Europe/Kyiv", skip_weekends=True) == (
        datetime(2026, 3, 6, 22, 0),
        datetime(2026, 3, 8, 22, 0),  # Monday 00:00 in Kyiv
    )
    # Still Friday in UTC, already Saturday in Kyiv: tomorrow is Sunday there.
    saturday_in_kyiv = datetime(2026, 3, 6, 22, 30)
    assert next_deadline(saturday_in_kyiv, "Europe/Kyiv", skip_weekends=False)[0] == datetime(2026, 3, 7, 22, 0)
    thursday = datetime(2026, 3, 5, 9, 0)
    assert next_deadline(thursday, "Europe/Kyiv", skip_weekends=True) == (
        datetime(2026, 3, 5, 22, 0),
        datetime(2026, 3, 5, 22, 0),
    )


def test_overdue_and_due_today_checks_without_an_answer_move_to_tomorrow(app, people):
    stage = rollover_stage()
    now = utcnow()
    cutoff, target = next_deadline(now, app.config["BUSINESS_TIMEZONE"], False)
    overdue = card_in(stage, days_ago=3, deadline=now - timedelta(days=2), manager=people["manager"])
    due_today = card_in(stage, days_ago=1, deadline=cutoff - timedelta(minutes=1), manager=people["manager"])
    later = card_in(stage, days_ago=1, deadline=cutoff + timedelta(days=2), manager=people["manager"])
    answered = card_in(
        stage, days_ago=3, deadline=now - timedelta(days=1), manager=people["manager"], bank_answer_date=date.today()
    )
    elsewhere = card_in(periodic_stage(), days_ago=3, deadline=now - timedelta(days=1), agent=people["agent"])

    assert roll_bank_check_deadlines() == 2

    def deadline(card):
        return tasks_of_card_id(card.id)[-1].deadline

    assert deadline(overdue) == deadline(due_today) == target
    assert deadline(later) == cutoff + timedelta(days=2)
    assert deadline(answered) < now and deadline(elsewhere) < now
    assert all(len(tasks_of_card_id(card.id)) == 1 for card in (overdue, due_today, later, answered))

    before = state()
    assert roll_bank_check_deadlines() == 0
    assert state() == before


def test_skipping_weekends_is_a_setting(app, people):
    stage = rollover_stage()
    friday_noon = datetime(2026, 3, 6, 10, 0)
    card = card_in(stage, days_ago=0, deadline=friday_noon - timedelta(hours=1), manager=people["manager"])
    app.config["ROLLOVER_SKIP_WEEKENDS"] = True
    try:
        assert roll_bank_check_deadlines(now=friday_noon) == 1
    finally:
        app.config["ROLLOVER_SKIP_WEEKENDS"] = False
    assert tasks_of_card_id(card.id)[0].deadline == datetime(2026, 3, 8, 22, 0)  # Monday 00:00 Kyiv
    assert roll_bank_check_deadlines(now=friday_noon + timedelta(hours=5)) == 0


def test_rollover_works_in_batches_with_one_update_each(people):
    stage = rollover_stage()
    now = utcnow()
    cards = [card_in(stage, days_ago=2, deadline=now - timedelta(days=1), manager=people["manager"]) for _ in range(5)]
    assert roll_bank_check_deadlines(batch_size=2) == 5
    assert len({tasks_of_card_id(card.id)[0].deadline for card in cards}) == 1
    assert db.session.scalar(select(func.count()).select_from(StageTask)) == 5


def test_jobs_do_not_touch_a_session_they_were_not_given():
    # Both jobs commit their own work; nothing is left pending in the caller's session.
    assert open_periodic_stage_tasks() == 0 and roll_bank_check_deadlines() == 0
    assert not db.session.new and not db.session.dirty
    assert isinstance(db.session(), Session)
