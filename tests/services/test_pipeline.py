"""The pipeline engine against a real database: allowed moves, value validation, the move policy,
task hand-over, the final stage, the audit trail, live pipeline edits and the stale-version race."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy import select

from extensions import db
from models.audit import ChangeLog
from models.base import utcnow
from models.card import Card, CardResponsible
from models.pipeline import Stage, StageField, StageMove, StageTask
from models.user import User
from seeds.demo_cards import sample_values
from services import pipeline
from services.card_board import cards_pipeline
from tests import factories
from tests.factories import make_user, place

_numbers = {"n": 0}


def stage_of(code):
    return db.session.scalar(select(Stage).where(Stage.pipeline_id == cards_pipeline().id, Stage.code == code))


def make_card(agent=None, manager=None, accountant=None, bank=None, **fields):
    """A card on the first stage of the cards pipeline with its first open task."""
    _numbers["n"] += 1
    board = cards_pipeline()
    first = board.stages[0]
    card = Card(
        number=fields.pop("number", f"TEST-{_numbers['n']:06d}"),
        contact_name=fields.pop("contact_name", "Test Contact"),
        agent=agent,
        manager=manager,
        accountant=accountant,
        bank=bank,
        pipeline_id=board.id,
        stage_id=first.id,
        **fields,
    )
    db.session.add(card)
    pipeline.start(card, first)
    db.session.commit()
    return card


def walk_to(card, code, by):
    """Move the card along the first allowed move with valid values until it stands on `code`."""
    while card.stage.code != code:
        pipeline.move(card, card.stage.allowed_targets[0], sample_values(card.stage), by, card.version)


def tasks_of(card):
    return db.session.scalars(
        select(StageTask)
        .where(StageTask.subject_type == "card", StageTask.subject_id == card.id)
        .order_by(StageTask.seq)
    ).all()


def snapshot(card):
    """What a refused move must leave untouched, read back from the database."""
    db.session.expire_all()
    fresh = db.session.get(Card, card.id)
    return (
        fresh.stage_id,
        fresh.version,
        fresh.bucket,
        [(t.id, t.seq, t.stage_id, t.closed_at, t.values, t.assignee_id) for t in tasks_of(fresh)],
    )


@pytest.fixture
def team():
    """An owner, an administrator, an accountant, two managers each with his own agent."""
    office = factories.make_office()
    people = {
        "owner": make_user(role_code="owner"),
        "admin": make_user(role_code="administrator"),
        "accountant": make_user(role_code="accountant"),
        "manager": make_user(role_code="manager"),
        "agent": make_user(role_code="agent"),
        "manager2": make_user(role_code="manager"),
        "agent2": make_user(role_code="agent"),
    }
    boss = place(people["manager"], office, "head_of_department")
    place(people["agent"], office, "employee", boss=boss)
    boss2 = place(people["manager2"], office, "head_of_department")
    place(people["agent2"], office, "employee", boss=boss2)
    return people


@pytest.fixture
def card(team):
    return make_card(agent=team["agent"], manager=team["manager"], accountant=team["accountant"])


def test_a_move_not_in_the_allowed_moves_is_refused(team, card):
    before = snapshot(card)
    for target in (stage_of("engagement"), stage_of("archived"), None):
        with pytest.raises(pipeline.MoveError) as refused:
            pipeline.move(card, target, sample_values(card.stage), team["owner"], card.version)
        assert refused.value.status == 400
    assert snapshot(card) == before


INVALID = [
    ("linking_access", "linked_on", "2026-13-01"),
    ("linking_access", "linked_on", ""),
    ("linking_access", "bank_login_done", ""),
    ("linking_access", "bank_login_done", None),
    ("linking_access", "bank_login_done", "0"),
    ("promo_top_up", "amount", "12,345.678"),
    ("promo_top_up", "amount", "12.345.678"),
    ("promo_top_up", "amount", "-5"),
    ("bank_check", "answer_received", "maybe"),
    ("take_access", "next_responsible", "blocked"),
    ("take_access", "next_responsible", "999999"),
    ("take_access", "next_responsible", "²"),  # a digit, but not a number
    ("take_access", "next_responsible", "9" * 30),
]


@pytest.mark.parametrize(("code", "name", "raw"), INVALID)
def test_invalid_values_give_field_errors_and_change_nothing(team, card, code, name, raw):
    walk_to(card, code, team["owner"])
    if raw == "blocked":
        blocked = make_user(role_code="accountant", is_blocked=True)
        raw = str(blocked.id)
    values = sample_values(card.stage)
    if raw is None:
        values.pop(name)
    else:
        values[name] = raw
    before = snapshot(card)
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, card.stage.allowed_targets[0], values, team["owner"], card.version)
    assert refused.value.status == 422
    assert set(refused.value.errors) == {name}
    assert snapshot(card) == before


def test_values_are_cleaned_by_type(team, card):
    walk_to(card, "promo_top_up", team["owner"])
    values = {"amount": " 1 234,5 ", "topped_up_on": "2026-02-03"}
    result = pipeline.move(card, stage_of("engagement"), values, team["owner"], card.version)
    assert result.closed.values == {"amount": "1234.50", "topped_up_on": "2026-02-03"}


@pytest.mark.parametrize(
    ("mover", "allowed"),
    [
        ("agent", True),  # the task's assignee
        ("manager", True),  # the assignee's leader in the org tree
        ("owner", True),  # cards.move_any
        ("admin", True),  # cards.move_any
        ("manager2", False),  # another manager: the agent is not his subordinate
        ("agent2", False),  # another manager's agent
        ("accountant", False),  # on the card, but not his task
    ],
)
def test_who_may_move(team, card, mover, allowed):
    before = snapshot(card)
    target = stage_of("promo_top_up")
    if allowed:
        pipeline.move(card, target, sample_values(card.stage), team[mover], card.version)
        assert card.stage_id == target.id
        return
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, target, sample_values(card.stage), team[mover], card.version)
    assert refused.value.status == 403
    assert snapshot(card) == before


def test_a_leader_may_not_move_another_leaders_agents_card(team):
    card = make_card(agent=team["agent2"], manager=team["manager2"], accountant=team["accountant"])
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, stage_of("promo_top_up"), sample_values(card.stage), team["manager"], card.version)
    assert refused.value.status == 403
    pipeline.move(card, stage_of("promo_top_up"), sample_values(card.stage), team["manager2"], card.version)


def test_a_move_closes_the_task_and_opens_the_next_for_the_stage_role(team, card):
    first = tasks_of(card)[0]
    assert (first.seq, first.assignee_id, first.closed_at) == (1, team["agent"].id, None)
    version = card.version
    before = utcnow()
    values = {"bank_login_done": "on", "linked_on": "2026-01-15", "comment": "  done  "}
    result = pipeline.move(card, stage_of("promo_top_up"), values, team["agent"], version)

    db.session.expire_all()
    closed, opened = tasks_of(card)
    assert closed.id == first.id
    assert closed.closed_at is not None and closed.closed_by_id == team["agent"].id
    assert closed.values == {"bank_login_done": True, "linked_on": "2026-01-15", "comment": "done"}
    assert closed.moved_to_stage_id == stage_of("promo_top_up").id
    assert opened.id == result.opened.id and opened.closed_at is None
    assert (opened.seq, opened.stage_id, opened.assignee_id) == (2, stage_of("promo_top_up").id, team["accountant"].id)
    # promo_top_up has a one-day deadline
    assert before + timedelta(days=1) <= opened.deadline <= utcnow() + timedelta(days=1)
    fresh = db.session.get(Card, card.id)
    assert (fresh.stage.code, fresh.bucket, fresh.version) == ("promo_top_up", "new", version + 1)

    walk_to(fresh, "take_access", team["owner"])
    assert tasks_of(fresh)[-1].assignee_id == team["manager"].id
    assert [t.seq for t in tasks_of(fresh)] == [1, 2, 3, 4]


def test_a_per_card_responsible_overrides_the_role(team, card):
    substitute = make_user(role_code="accountant")
    db.session.add(CardResponsible(card_id=card.id, stage_id=stage_of("promo_top_up").id, user_id=substitute.id))
    db.session.commit()
    result = pipeline.move(card, stage_of("promo_top_up"), sample_values(card.stage), team["agent"], card.version)
    assert result.opened.assignee_id == substitute.id


@pytest.fixture
def candidates(team):
    """People one might enter as the next responsible of the card leaving take_access for fund_card
    (the accountant's stage): an accountant above the card's agent in another office, who sees the
    card; an accountant who does not; an intern under the card's manager."""
    office = factories.make_office()
    leader = make_user(role_code="accountant", full_name="Lesia Leader")
    place(team["agent"], office, "employee", boss=place(leader, office, "head_of_department"))
    stranger = make_user(role_code="accountant", full_name="Stepan Stranger")
    intern = make_user(full_name="Ivan Intern")
    place(intern, team["manager"].memberships[0].office, "intern", boss=team["manager"].memberships[0])
    return {"leader": leader, "stranger": stranger, "intern": intern}


def test_next_responsible_entered_in_the_modal_takes_the_next_task(team, card, candidates):
    walk_to(card, "take_access", team["owner"])
    leader = candidates["leader"]
    values = dict(sample_values(card.stage), next_responsible=str(leader.id))
    result = pipeline.move(card, stage_of("fund_card"), values, team["manager"], card.version)
    assert result.opened.assignee_id == leader.id
    assert result.closed.values["next_responsible"] == leader.id


def test_a_person_field_offers_and_accepts_only_who_may_take_the_next_stage(team, card, candidates):
    """The next stage's role (own role or position), sees the card, may move cards: the options of
    the modal and the move's check are the same rule."""
    walk_to(card, "take_access", team["owner"])
    fund_card = stage_of("fund_card")
    offered = pipeline.people_for(card, fund_card)
    assert {person.id for person in offered} == {team["accountant"].id, candidates["leader"].id}
    refused_people = {
        "intern": candidates["intern"],  # no cards at all
        "stranger": candidates["stranger"],  # an accountant who does not see the card
        "admin": team["admin"],  # sees and moves every card, but the stage is the accountant's
        "agent2": team["agent2"],  # neither
    }
    for name, person in refused_people.items():
        assert not pipeline.may_take(person, card, fund_card), name
        before = snapshot(card)
        values = dict(sample_values(card.stage), next_responsible=str(person.id))
        with pytest.raises(pipeline.MoveError) as refused, force_locale("en"):
            pipeline.move(card, fund_card, values, team["manager"], card.version)
        assert refused.value.status == 422, name
        assert refused.value.errors == {"next_responsible": "Choose one of the people offered for the next stage."}
        assert snapshot(card) == before, name
    values = dict(sample_values(card.stage), next_responsible=str(team["accountant"].id))
    result = pipeline.move(card, fund_card, values, team["manager"], card.version)
    assert result.opened.assignee_id == team["accountant"].id


def test_a_position_of_the_stages_role_counts_as_holding_it(team, card):
    """A stage whose responsible role is a position's code (the office administrator)."""
    walk_to(card, "take_access", team["owner"])
    fund_card = stage_of("fund_card")
    fund_card.responsible_role = "administrator"
    db.session.commit()
    office = factories.make_office()
    office_admin = make_user(role_code="agent", full_name="Olha Office Admin")  # an agent by role
    place(team["agent"], office, "employee", boss=place(office_admin, office, "administrator"))
    assert {person.id for person in pipeline.people_for(card, fund_card)} == {team["admin"].id, office_admin.id}
    values = dict(sample_values(card.stage), next_responsible=str(office_admin.id))
    assert pipeline.move(card, fund_card, values, team["manager"], card.version).opened.assignee_id == office_admin.id


def test_moving_into_the_final_stage_opens_no_task(team, card):
    walk_to(card, "return_to_supplier", team["owner"])
    result = pipeline.move(card, stage_of("archived"), sample_values(card.stage), team["owner"], card.version)
    assert result.opened is None
    db.session.expire_all()
    assert pipeline.open_task(card) is None
    tasks = tasks_of(card)
    assert [t.seq for t in tasks] == list(range(1, 10))
    assert all(t.closed_at is not None for t in tasks)
    assert (card.stage.code, card.bucket) == ("archived", "archive")


def test_the_stage_change_is_audited(team, card):
    source, target = card.stage_id, stage_of("promo_top_up").id
    pipeline.move(card, stage_of("promo_top_up"), sample_values(card.stage), team["agent"], card.version)
    rows = db.session.scalars(
        select(ChangeLog).where(
            ChangeLog.entity == "cards", ChangeLog.entity_id == str(card.id), ChangeLog.field == "stage_id"
        )
    ).all()
    assert [(r.action, r.old_value, r.new_value) for r in rows] == [("update", str(source), str(target))]


def test_a_pipeline_edit_applies_to_the_next_move_without_a_restart(app, team, card):
    linking, engagement = stage_of("linking_access"), stage_of("engagement")
    # The owner edits the pipeline elsewhere (another connection, as the panel would).
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(StageField)
            .where(StageField.stage_id == linking.id, StageField.name == "comment")
            .values(required=True)
        )
        connection.execute(sa.insert(StageMove).values(from_stage_id=linking.id, to_stage_id=engagement.id))
    card_id, agent_id = card.id, team["agent"].id
    with app.app_context():  # the next request: a fresh session
        fresh = db.session.get(Card, card_id)
        agent = db.session.get(User, agent_id)
        values = {"bank_login_done": "1", "linked_on": "2026-01-15"}
        with pytest.raises(pipeline.MoveError) as refused:
            pipeline.move(fresh, db.session.get(Stage, engagement.id), values, agent, fresh.version)
        assert set(refused.value.errors) == {"comment"}
        values["comment"] = "now required"
        result = pipeline.move(fresh, db.session.get(Stage, engagement.id), values, agent, fresh.version)
        assert result.to_stage.code == "engagement"
        db.session.remove()


def test_a_stale_version_is_refused(team, card):
    with pytest.raises(pipeline.MoveError) as refused:
        pipeline.move(card, stage_of("promo_top_up"), sample_values(card.stage), team["agent"], card.version - 1)
    assert refused.value.status == 409


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
