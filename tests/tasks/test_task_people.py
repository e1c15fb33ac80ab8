"""A card task's copy of its card's people (stage_tasks.person_1_id, …): set when the task opens,
following every change of the card's people on every task of the card, closed ones too, by whatever
statement; the board's and the auto-tasks tab's walks read it, so a card changes boards and
histories with its people; and a change of the people that races a renewal of the card's task on
another connection still reaches the new task. The `people` and their `spread` of cards are the root
conftest's."""

import threading
import time

import pytest
import sqlalchemy as sa

from extensions import db
from models.cards.card import Card
from models.pipeline import StageTask
from models.platform.user import User
from services.cards import counts as card_counts
from services.cards.board import BoardFilters
from services.tasks import auto_tasks
from tests.factories.cards import cards_on_board, tasks_of, walk_to
from tests.factories.platform import make_user


def kept_people(task_id):
    return tuple(db.session.execute(sa.select(*StageTask.people()).where(StageTask.id == task_id)).one())


def ids(*users):
    return tuple(user.id if user is not None else None for user in users)


def test_a_task_opens_with_its_cards_people_and_follows_their_changes(people, spread):
    p, card = people, spread["a1"]
    first = tasks_of(card)[-1]
    assert kept_people(first.id) == ids(p["agent"], p["manager"], p["accountant"])
    walk_to(card, "promo_top_up", p["owner"])
    closed, opened = tasks_of(card)[-2:]
    assert closed.closed_at is not None and opened.closed_at is None
    assert kept_people(opened.id) == ids(p["agent"], p["manager"], p["accountant"])

    card.agent, card.accountant = p["agent3"], None  # through the ORM
    db.session.commit()
    assert kept_people(opened.id) == ids(p["agent3"], p["manager"], None)
    assert kept_people(closed.id) == ids(p["agent3"], p["manager"], None)  # the history follows the card
    db.session.execute(
        sa.text("UPDATE cards SET manager_id = :m WHERE id = :id"), {"m": p["manager2"].id, "id": card.id}
    )
    db.session.commit()
    assert kept_people(opened.id) == kept_people(closed.id) == ids(p["agent3"], p["manager2"], None)
    assert card_counts.mismatches() == {}


def test_the_walk_moves_a_card_between_boards_with_its_agent(people, spread):
    p, card = people, spread["a1"]
    assert card.id in cards_on_board(p["agent"]) and card.id not in cards_on_board(p["agent3"])
    card.agent = p["agent3"]
    db.session.commit()
    assert card.id not in cards_on_board(p["agent"])
    assert card.id in cards_on_board(p["agent3"])
    assert card.id in cards_on_board(p["owner"], BoardFilters(agent_id=p["agent3"].id))
    assert card.id not in cards_on_board(p["owner"], BoardFilters(agent_id=p["agent"].id))


def _history_seen(user, card):
    steps, _cursor = auto_tasks.auto_task_page(user, auto_tasks.AutoFilters.from_args({}), page_size=500)
    return {step.id for step in steps} & {task.id for task in tasks_of(card)}


def test_a_cards_history_in_the_auto_tasks_tab_follows_its_people(people, spread):
    p, card = people, spread["a2"]  # walked a stage on: a closed task and an open one
    history = {task.id for task in tasks_of(card)}
    assert len(history) == 2
    assert _history_seen(p["agent"], card) == history
    assert _history_seen(p["manager"], card) == history  # his agent's card
    assert _history_seen(p["agent3"], card) == set() and _history_seen(p["manager2"], card) == set()

    db.session.execute(
        sa.text("UPDATE cards SET agent_id = :a, manager_id = :m WHERE id = :id"),
        {"a": p["agent3"].id, "m": p["manager2"].id, "id": card.id},
    )
    db.session.commit()
    assert _history_seen(p["agent3"], card) == history and _history_seen(p["manager2"], card) == history
    assert _history_seen(p["agent"], card) == set() and _history_seen(p["manager"], card) == set()
    assert _history_seen(p["accountant"], card) == history  # still the card's accountant
    assert _history_seen(p["owner"], card) == history


def test_the_check_finds_and_the_rebuild_repairs_a_closed_tasks_people(app, people, spread):
    closed = tasks_of(spread["a2"])[0]
    assert closed.closed_at is not None
    db.session.execute(sa.update(StageTask).where(StageTask.id == closed.id).values(person_1_id=people["agent3"].id))
    db.session.commit()
    assert card_counts.mismatches() == {
        ("card task", closed.id): (
            ids(people["agent3"], people["manager"], people["accountant"]),
            ids(people["agent"], people["manager"], people["accountant"]),
        )
    }
    assert _history_seen(people["agent3"], spread["a2"]) == {closed.id}  # what the stale copy shows
    card_counts.rebuild()
    db.session.commit()
    assert card_counts.mismatches() == {}
    assert _history_seen(people["agent3"], spread["a2"]) == set()
    assert closed.id in _history_seen(people["agent"], spread["a2"])


def test_the_check_finds_and_the_rebuild_repairs_a_tasks_people(app, people, spread):
    task = tasks_of(spread["b1"])[-1]
    db.session.execute(sa.update(StageTask).where(StageTask.id == task.id).values(person_1_id=None))
    db.session.commit()
    assert card_counts.mismatches() == {
        ("card task", task.id): (
            ids(None, people["manager"], people["accountant"]),
            ids(people["agent2"], people["manager"], people["accountant"]),
        )
    }
    assert spread["b1"].id not in cards_on_board(people["agent2"])
    runner = app.test_cli_runner()
    assert runner.invoke(args=["rebuild-card-counts", "--check"]).exit_code != 0
    assert runner.invoke(args=["rebuild-card-counts"]).exit_code == 0
    assert card_counts.mismatches() == {}
    assert spread["b1"].id in cards_on_board(people["agent2"])


def test_a_change_of_people_during_an_uncommitted_renewal_reaches_the_new_task(people, spread):
    """A periodic renewal (services/pipeline/periodic.renew) closes the card's task and opens the next one;
    an edit of the card's agent commits from another connection meanwhile. The new task must end
    with the new agent, whichever of the two statements PostgreSQL runs first."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("one writer at a time in SQLite: nothing runs concurrently")
    card, newcomer = spread["a1"], make_user(role_code="agent")
    old = tasks_of(card)[-1]
    card_id, old_id, seq, stage_id, newcomer_id = card.id, old.id, old.seq, old.stage_id, newcomer.id
    db.session.commit()
    engine = db.engine  # the thread below has no application context
    renewal = engine.connect()
    renewal_tx = renewal.begin()
    renewal.execute(sa.update(StageTask).where(StageTask.id == old_id).values(closed_at=sa.func.now()))
    renewal.execute(
        sa.insert(StageTask).values(
            subject_type="card", subject_id=card_id, seq=seq + 1, stage_id=stage_id, deadline=sa.func.now()
        )
    )
    edited = threading.Event()

    def edit():
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE cards SET agent_id = :a WHERE id = :id"), {"a": newcomer_id, "id": card_id}
            )
        edited.set()

    editor = threading.Thread(target=edit)
    editor.start()
    time.sleep(0.5)
    assert not edited.is_set()  # it waits for the renewal's lock on the task it closed
    renewal_tx.commit()
    renewal.close()
    editor.join(10)
    assert edited.is_set()
    db.session.expire_all()
    new = tasks_of(card)[-1]
    assert new.seq == seq + 1 and new.closed_at is None
    assert kept_people(new.id)[0] == newcomer_id
    assert card_counts.mismatches() == {}
    assert card_id in cards_on_board(newcomer) and card_id not in cards_on_board(people["agent"])


def test_the_migration_fills_the_history_that_the_open_only_trigger_left_behind(app, people, spread):
    """Before b1c2d3e4f512 a change of the card's people reached its open task only; the migration
    brings every closed task up to its card, and its trigger then keeps them."""
    from flask_migrate import downgrade, upgrade

    agent, agent2, agent3, manager, accountant = ids(
        *(people[name] for name in ("agent", "agent2", "agent3", "manager", "accountant"))
    )
    card_id = spread["a2"].id
    closed_id, open_id = (task.id for task in tasks_of(spread["a2"]))
    change_agent = sa.text("UPDATE cards SET agent_id = :a WHERE id = :id")
    db.session.remove()
    downgrade(directory="migrations", revision="b1c2d3e4f511")
    try:
        db.session.execute(change_agent, {"a": agent3, "id": card_id})
        db.session.commit()
        # the columns' names before the engine's generic slots (b1c2d3e4f514)
        card_agent = sa.text("SELECT card_agent_id FROM stage_tasks WHERE id = :id")
        assert db.session.scalar(card_agent, {"id": open_id}) == agent3
        assert db.session.scalar(card_agent, {"id": closed_id}) == agent  # the open-only trigger of b1c2d3e4f509
    finally:
        db.session.remove()
        upgrade(directory="migrations")
    assert kept_people(closed_id) == kept_people(open_id) == (agent3, manager, accountant)
    assert card_counts.mismatches() == {}
    assert _history_seen(db.session.get(User, agent3), db.session.get(Card, card_id)) == {closed_id, open_id}
    db.session.execute(change_agent, {"a": agent2, "id": card_id})
    db.session.commit()
    assert kept_people(closed_id)[0] == agent2  # the trigger follows on every task again
