"""The tracker's two plans for a column page give the same rows: the walk over the stage's open
tasks and the drive from the viewer's own cards, for every viewer, filter and cursor; and the board
picks the drive for a viewer who sees a small share of a column."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from models.pipeline import StageTask
from services.cards import board as card_board
from services.cards import board_statements as statements
from services.cards import operations as cards
from services.cards.board import BoardFilters
from tests.factories.cards import make_card, stage_of, walk_to
from tests.factories.platform import make_user
from tests.sql_capture import capture_sql


@pytest.fixture
def board(people, spread, banks):
    """The spread, plus: a card seen only through a responsible person, a deleted card, a card
    nobody's, and tied deadlines in an order unlike the ids."""
    p = people
    outsider = make_user(role_code="agent")
    stray = make_card(agent=outsider, manager=None, accountant=None, bank=banks[1])
    cards.set_responsibles(stray, {f"stage_{stray.stage_id}": str(p["agent"].id)}, p["owner"], stray.version)
    gone = make_card(agent=p["agent"], manager=p["manager"], accountant=p["accountant"], bank=banks[0])
    gone.deleted_at = datetime(2026, 1, 1)
    make_card(agent=None, manager=None, accountant=None)
    for index in range(12):
        make_card(agent=[p["agent"], p["agent2"], p["agent3"]][index % 3], manager=p["manager"], bank=banks[index % 2])
    walk_to(spread["b1"], "engagement", p["owner"])
    base = datetime(2026, 3, 1, 9, 0)
    task_ids = db.session.scalars(sa.select(StageTask.id).where(StageTask.closed_at.is_(None))).all()
    for index, task_id in enumerate(task_ids):
        db.session.execute(
            sa.update(StageTask).where(StageTask.id == task_id).values(deadline=base + timedelta(hours=(index * 7) % 3))
        )
    db.session.commit()
    return stray


def _plan(monkeypatch, drive):
    monkeypatch.setattr(card_board, "_drives", lambda *_args: drive)


def _pages(user, filters, stage_ids):
    first = card_board.first_pages(user, stage_ids, filters, limit=2)
    rest = {}
    for stage_id, rows in first.items():
        after = card_board.parse_cursor(card_board.cursor_of(rows[-1])) if rows else None
        rest[stage_id] = card_board.column(user, stage_id, filters, after=after, limit=50) if after else []
    return {s: [tuple(r) for r in first[s]] + [tuple(r) for r in rest[s]] for s in stage_ids}


@pytest.mark.parametrize("viewer", ["agent", "agent3", "manager", "manager2", "accountant"])
def test_the_drive_and_the_walk_give_the_same_pages(monkeypatch, people, banks, board, viewer):
    p = people
    user = p[viewer]
    stage_ids = [s.id for s in card_board.cards_pipeline().stages if not s.is_final]
    every = [
        BoardFilters(),
        BoardFilters(mine=True),
        BoardFilters(agent_id=p["agent"].id),
        BoardFilters(agent_id=p["agent3"].id),
        BoardFilters(manager_id=p["manager"].id),
        BoardFilters(bank_id=banks[1].id),
        BoardFilters(agent_id=p["agent2"].id, bank_id=banks[0].id),
    ]
    shown = 0
    for filters in every:
        _plan(monkeypatch, False)
        walked = _pages(user, filters, stage_ids)
        _plan(monkeypatch, True)
        driven = _pages(user, filters, stage_ids)
        assert driven == walked, filters
        shown += sum(len(rows) for rows in walked.values())
    assert shown  # the comparison is not between two empty boards


@pytest.mark.parametrize("drive", [False, True])
def test_every_page_statement_gives_the_row_fields_in_their_order(monkeypatch, people, board, drive):
    """The tracker unpacks a row by position (admin_views.cards.tracker._row_json)."""
    _plan(monkeypatch, drive)
    stage_ids = [s.id for s in card_board.cards_pipeline().stages if not s.is_final]
    user = people["manager"]
    rows = [row for page in card_board.first_pages(user, stage_ids).values() for row in page]
    rows += card_board.column(user, board.stage_id) + card_board.column(people["owner"], board.stage_id)
    assert rows and all(row._fields == statements.ROW_FIELDS for row in rows)


def test_the_card_seen_through_a_responsible_is_on_the_driven_board(monkeypatch, people, board):
    _plan(monkeypatch, True)
    stage_id = board.stage_id
    assert board.id in {row.card_id for row in card_board.column(people["agent"], stage_id)}
    assert board.id in {row.card_id for row in card_board.column(people["manager"], stage_id)}
    assert board.id not in {row.card_id for row in card_board.column(people["agent2"], stage_id)}


def _plans(monkeypatch):
    """The plan of every column page asked for from now on, in order: True for the drive."""
    plans = []
    real = statements.kept

    def spy(build, *shape):
        if build is statements.column_page:
            plans.append(shape[3])
        return real(build, *shape)

    monkeypatch.setattr(statements, "kept", spy)
    return plans


def test_a_small_share_is_driven_and_a_large_one_walked(monkeypatch, people, board):
    plans = _plans(monkeypatch)
    agent, stage_id = people["agent"], stage_of("linking_access").id
    card_board.counts(agent)  # the board page counts his columns first
    monkeypatch.setattr(card_board, "_stage_totals", lambda: {stage_id: 10_000})
    card_board.column(agent, stage_id)  # a few cards of 10,000: his own are read
    card_board.column(people["owner"], stage_id)  # sees everything: always the walk
    monkeypatch.setattr(card_board, "_stage_totals", lambda: {stage_id: 1})
    card_board.column(agent, stage_id)  # most of the column is his: the walk
    assert plans == [True, False, False]


def test_a_column_page_does_not_count_again(monkeypatch, people, board):
    """The plan comes from the viewer's last counts; with none (or too old) the column is walked."""
    agent, stage_id = people["agent"], stage_of("linking_access").id
    monkeypatch.setattr(card_board, "_stage_totals", lambda: {stage_id: 10_000})
    plans = _plans(monkeypatch)
    walked = card_board.column(agent, stage_id)
    assert plans == [False]  # nothing counted yet: the walk
    card_board.counts(agent)
    with capture_sql() as sql:
        assert card_board.column(agent, stage_id) == walked
    assert plans == [False, True]
    assert not [s for s in sql.normalized if "stage_counts" in s or "group by" in s]  # no count
    monkeypatch.setattr(card_board, "SEEN_TTL", -1.0)
    card_board.column(agent, stage_id)
    assert plans == [False, True, False]  # the count is too old: the walk again


def test_the_plan_choice_weighs_both_costs():
    assert card_board._drives(seen=100, total=10_000, limit=50)  # walk ~5,000 rows, drive 100
    assert not card_board._drives(seen=5_000, total=10_000, limit=50)  # walk ~100 rows
    assert card_board._drives(seen=0, total=0, limit=50)  # nothing of his there: nothing to read
