"""Cards on the cards pipeline for the tests: made on its first stage, walked along it, their tasks
read back; and a team of an owner, an administrator, an accountant and two managers with their agents."""

import pytest
from sqlalchemy import select

from extensions import db
from models.cards.card import Card
from models.pipeline import Stage, StageTask
from seeds.demo_cards import sample_values
from services import pipeline
from services.cards.board import cards_pipeline
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
