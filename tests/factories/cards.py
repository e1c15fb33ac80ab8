"""Factories of the cards: cards made on the cards pipeline (by the engine or by the cards service),
stood on a stage directly or walked along it, and their tasks read back; banks and suppliers; two
teams with a spread of cards over the board; the fields of a transaction form."""

from datetime import timedelta
from decimal import Decimal
from itertools import count
from types import SimpleNamespace

from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.cards.card import Card
from models.cards.directory import Bank, Contractor
from models.pipeline import Stage, StageTask
from seeds.demo_cards import sample_values
from services import pipeline
from services.cards import board as card_board
from services.cards import card_numbers
from services.cards import operations as cards
from services.cards.board import BoardFilters, cards_pipeline
from tests.factories.platform import make_team

# A transaction's form fields, valid on a stage that takes transactions (fund_card, …).
TX = {"date": "2026-03-01", "type": "top_up", "amount": "1000.50", "commission_kind": "percent", "commission_rate": "1"}

_engine_numbers = count(1)
_service_numbers = count(1)
_job_numbers = count(1)


# --- stages --------------------------------------------------------------------------------------


def stage_of(code):
    """The stage of the cards pipeline with this code."""
    return db.session.scalar(select(Stage).where(Stage.pipeline_id == cards_pipeline().id, Stage.code == code))


def periodic_stage():
    """A stage of the cards pipeline whose open tasks are renewed every few days."""
    return db.session.scalar(
        select(Stage).where(Stage.pipeline_id == cards_pipeline().id, Stage.periodic_interval_days.is_not(None))
    )


# --- cards ---------------------------------------------------------------------------------------


def card_number(n, first6="516875"):
    """A valid 16-digit card number: `first6`, then `n` (its last four digits end the number; the
    check digit stands before them)."""
    head, tail = f"{first6}{n // 10_000 % 100_000:05d}", f"{n % 10_000:04d}"
    return next(head + d + tail for d in "0123456789" if card_numbers.luhn_valid(head + d + tail))


def shown_number(n, first6="516875"):
    """The masked form pages show of card_number(n, first6)."""
    return card_numbers.masked(card_number(n, first6))


def make_card(agent=None, manager=None, accountant=None, bank=None, **fields):
    """A card on the first stage of the cards pipeline with its first open task (by the engine)."""
    board = cards_pipeline()
    first = board.stages[0]
    number = fields.pop("number", None) or card_number(next(_engine_numbers), first6="400000")
    card = Card(
        contact_name=fields.pop("contact_name", "Test Contact"),
        agent=agent,
        manager=manager,
        accountant=accountant,
        bank=bank,
        pipeline_id=board.id,
        stage_id=first.id,
        **fields,
    )
    card_numbers.assign(card, number)
    db.session.add(card)
    pipeline.start(card, first)
    db.session.commit()
    return card


def new_card(team, agent="agent", manager="manager", accountant="accountant", **fields):
    """A card made by the cards service as `team["owner"]`; its people are named by their keys in `team`."""
    fields.setdefault("number", card_number(next(_service_numbers), first6="444100"))
    fields.setdefault("contact_name", "Test Contact")
    card = cards.create(
        by=team["owner"],
        agent=team.get(agent),
        manager=team.get(manager),
        accountant=team.get(accountant),
        **fields,
    )
    db.session.commit()
    return card


def card_in(stage, days_ago=0, deadline=None, agent=None, manager=None, **fields):
    """A card standing on `stage` since `days_ago` days, with its open task opened then."""
    card = Card(
        contact_name="Job Contact",
        agent=agent,
        manager=manager,
        pipeline_id=stage.pipeline_id,
        stage_id=stage.id,
        **fields,
    )
    card_numbers.assign(card, card_number(next(_job_numbers), first6="455500"))
    db.session.add(card)
    task = pipeline.start(card, stage)
    entered = utcnow() - timedelta(days=days_ago)
    card.stage_entered_at = entered
    task.opened_at = entered
    task.deadline = deadline or entered + timedelta(days=stage.deadline_days)
    db.session.commit()
    return card


def put_on(card, code):
    """Stand the card on a stage directly (the tracker's moves are tested elsewhere)."""
    target = stage_of(code)
    card.stage, card.bucket = target, target.bucket
    db.session.commit()
    return card


def walk_to(card, code, by):
    """Move the card along the first allowed move with valid values until it stands on `code`, each
    move committed as the tracker commits it."""
    while card.stage.code != code:
        pipeline.move(card, card.stage.allowed_targets[0], sample_values(card.stage), by, card.version)
        db.session.commit()


# --- reading back --------------------------------------------------------------------------------


def tasks_of(card):
    return tasks_of_card_id(card.id)


def tasks_of_card_id(card_id):
    return db.session.scalars(
        select(StageTask)
        .where(StageTask.subject_type == "card", StageTask.subject_id == card_id)
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


def cards_on_board(user, filters=BoardFilters()):
    """The ids of the cards in every column of the board as `user` sees it."""
    found = set()
    for stage in card_board.cards_pipeline().stages:
        found |= {row.card_id for row in card_board.column(user, stage.id, filters)}
    return found


# --- banks, suppliers and people -----------------------------------------------------------------


def make_bank(name, **fields):
    bank = Bank(name=name, **fields)
    db.session.add(bank)
    db.session.commit()
    return bank


def make_directory():
    """Three banks (a percent commission, a fixed one, none) and two suppliers."""
    banks = [
        Bank(name="PercentBank", commission_percent=Decimal("1.50")),
        Bank(name="FixedBank", commission_fixed=Decimal("25.00")),
        Bank(name="FreeBank"),
    ]
    suppliers = [Contractor(name="Supplier One"), Contractor(name="Supplier Two")]
    db.session.add_all(banks + suppliers)
    db.session.commit()
    return SimpleNamespace(banks=banks, suppliers=suppliers)


def make_two_teams():
    """An owner and an accountant; a manager heading agent and agent2, and manager2 heading agent3."""
    return make_team(
        {"owner": "owner", "accountant": "accountant", "manager": "manager", "agent": "agent", "agent2": "agent",
         "manager2": "manager", "agent3": "agent"},
        {"agent": "manager", "agent2": "manager", "agent3": "manager2"},
    )  # fmt: skip


def make_spread(people, banks):
    """Cards of the three agents of `make_two_teams`, at two banks, on three stages."""
    p = people
    spread = {
        "a1": make_card(agent=p["agent"], manager=p["manager"], accountant=p["accountant"], bank=banks[0]),
        "a2": make_card(agent=p["agent"], manager=p["manager"], accountant=p["accountant"], bank=banks[1]),
        "b1": make_card(agent=p["agent2"], manager=p["manager"], accountant=p["accountant"], bank=banks[0]),
        "c1": make_card(agent=p["agent3"], manager=p["manager2"], accountant=p["accountant"], bank=banks[1]),
        "c2": make_card(agent=p["agent3"], manager=p["manager2"], accountant=p["accountant"], bank=banks[0]),
    }
    walk_to(spread["a2"], "promo_top_up", p["owner"])  # now the accountant's task
    walk_to(spread["c2"], "take_access", p["owner"])  # now manager2's task
    return spread
