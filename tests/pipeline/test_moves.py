"""The pipeline engine against a real database: allowed moves, value validation, the move policy,
task hand-over, the final stage, the audit trail, live pipeline edits and a stale version (the
races of two movers: test_pipeline_races.py)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.cards.card import Card
from models.pipeline import Stage, StageField, StageMove
from models.platform.audit import ChangeLog
from models.platform.user import User
from seeds.demo_cards import sample_values
from services import pipeline
from tests.factories.cards import make_card, snapshot, stage_of, tasks_of, walk_to
from tests.factories.platform import make_office, make_user, place


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
    card.choose_responsible(stage_of("promo_top_up").id, substitute.id)
    db.session.commit()
    result = pipeline.move(card, stage_of("promo_top_up"), sample_values(card.stage), team["agent"], card.version)
    assert result.opened.assignee_id == substitute.id


@pytest.fixture
def candidates(team):
    """People one might enter as the next responsible of the card leaving take_access for fund_card
    (the accountant's stage): an accountant above the card's agent in another office, who sees the
    card; an accountant who does not; an intern under the card's manager."""
    office = make_office()
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
    office = make_office()
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
