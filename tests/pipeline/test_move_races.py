"""Two people moving the same card at once: exactly one wins, whatever the timing; the other gets a
clear 409 and the card's tasks stay whole."""

import threading

import sqlalchemy as sa

from extensions import db
from models.cards.card import Card
from models.platform.user import User
from seeds.demo_cards import sample_values
from services import pipeline
from tests.factories.cards import tasks_of


def _racer(app, card_id, user_id, loaded, outcome, key, gate=None):
    """One person's request: own app context, own session and connection."""
    with app.app_context():
        try:
            card = db.session.get(Card, card_id)
            by = db.session.get(User, user_id)
            target, values, version = card.stage.allowed_targets[0], sample_values(card.stage), card.version
            if isinstance(gate, threading.Barrier):
                # Hold both just before their first write: every check has passed for both.
                sa.event.listen(db.session(), "before_flush", lambda *_: gate.wait(timeout=30), once=True)
            loaded.wait(timeout=30)
            if isinstance(gate, threading.Event):
                gate.wait(timeout=30)
            pipeline.move(card, target, values, by, version)
            db.session.commit()  # as the tracker's view commits it
            outcome[key] = "ok"
        except pipeline.MoveError as error:
            outcome[key] = error.status
        except Exception as error:  # surfaced by the assertion on the outcome
            outcome[key] = repr(error)
        finally:
            db.session.remove()


def _race(app, card, movers, mode):
    """Two sessions load the same card; then they write together, or one after the other's commit."""
    loaded, outcome = threading.Barrier(len(movers)), {}
    gate = {"together": threading.Barrier(len(movers)), "sequential": threading.Event()}.get(mode)
    threads = [
        threading.Thread(
            target=_racer,
            args=(app, card.id, user.id, loaded, outcome, index, gate if (mode == "together" or index) else None),
        )
        for index, user in enumerate(movers)
    ]
    for thread in threads:
        thread.start()
    if mode == "sequential":
        threads[0].join(timeout=60)
        gate.set()
    for thread in threads:
        thread.join(timeout=60)
    return [outcome.get(i) for i in range(len(movers))]


def _assert_one_winner(card, outcome):
    assert sorted(outcome, key=str) == [409, "ok"], outcome
    db.session.expire_all()
    tasks = tasks_of(card)
    assert [t.seq for t in tasks] == [1, 2]
    assert [t.closed_at is None for t in tasks] == [False, True]
    fresh = db.session.get(Card, card.id)
    assert (fresh.stage.code, fresh.version) == ("promo_top_up", 2)


def test_two_people_moving_the_same_card_at_once_one_wins(app, team, card):
    """The agent and his manager both press "save" on the same card at the same moment."""
    outcome = _race(app, card, [team["agent"], team["manager"]], "at_once")
    _assert_one_winner(card, outcome)


def test_two_moves_past_every_check_are_decided_by_the_database(app, team, card):
    """Both pass every check and write together: the version column and the one-open-task index decide."""
    outcome = _race(app, card, [team["owner"], team["manager"]], "together")
    _assert_one_winner(card, outcome)


def test_a_move_from_a_session_loaded_before_anothers_commit_gets_409(app, team, card):
    """Both loaded the card; the second saves only after the first committed: a clear 409."""
    outcome = _race(app, card, [team["agent"], team["manager"]], "sequential")
    assert outcome == ["ok", 409]
    _assert_one_winner(card, outcome)
