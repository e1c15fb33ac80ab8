"""The task tracker's queries: counts in one grouped query, columns by keyset, filters and scope."""

import re
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from models.cards.directory import Bank
from models.pipeline import StageTask
from services.cards import board as card_board
from services.cards.board import BoardFilters
from tests import factories
from tests.cards.test_tracker import signed_in
from tests.factories import make_user, place
from tests.pipeline_cards import make_card, stage_of, walk_to


@contextmanager
def counted_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def people():
    office = factories.make_office()
    found = {
        "owner": make_user(role_code="owner"),
        "accountant": make_user(role_code="accountant"),
        "manager": make_user(role_code="manager"),
        "agent": make_user(role_code="agent"),
        "agent2": make_user(role_code="agent"),
        "manager2": make_user(role_code="manager"),
        "agent3": make_user(role_code="agent"),
    }
    boss = place(found["manager"], office, "head_of_department")
    place(found["agent"], office, "employee", boss=boss)
    place(found["agent2"], office, "employee", boss=boss)
    boss2 = place(found["manager2"], office, "head_of_department")
    place(found["agent3"], office, "employee", boss=boss2)
    return found


@pytest.fixture
def banks():
    found = [Bank(name="Bank A", code="A"), Bank(name="Bank B", code="B")]
    db.session.add_all(found)
    db.session.commit()
    return found


@pytest.fixture
def spread(people, banks):
    """Cards of three agents in two teams, two banks, on three stages."""
    p = people
    cards = {
        "a1": make_card(agent=p["agent"], manager=p["manager"], accountant=p["accountant"], bank=banks[0]),
        "a2": make_card(agent=p["agent"], manager=p["manager"], accountant=p["accountant"], bank=banks[1]),
        "b1": make_card(agent=p["agent2"], manager=p["manager"], accountant=p["accountant"], bank=banks[0]),
        "c1": make_card(agent=p["agent3"], manager=p["manager2"], accountant=p["accountant"], bank=banks[1]),
        "c2": make_card(agent=p["agent3"], manager=p["manager2"], accountant=p["accountant"], bank=banks[0]),
    }
    walk_to(cards["a2"], "promo_top_up", p["owner"])  # now the accountant's task
    walk_to(cards["c2"], "take_access", p["owner"])  # now manager2's task
    return cards


def _cards_on_board(user, filters=BoardFilters()):
    board = card_board.cards_pipeline()
    found = set()
    for stage in board.stages:
        found |= {row.card_id for row in card_board.column(user, stage.id, filters)}
    return found


def _ids(spread, *keys):
    return {spread[k].id for k in keys}


def test_counts_come_from_one_grouped_query(people, spread):
    card_board.counts(people["owner"])  # loads the viewer's role and memberships once
    with counted_queries() as statements:
        counts = card_board.counts(people["owner"])
    # one grouped query does the counting; nothing is fetched per card or per stage
    assert [s for s in statements if "GROUP BY" in s.upper()] and len(statements) <= 2
    assert sum("GROUP BY" in s.upper() for s in statements) == 1
    assert counts == {
        stage_of("linking_access").id: 3,
        stage_of("promo_top_up").id: 1,
        stage_of("take_access").id: 1,
    }
    assert card_board.counts(None) == counts


def test_counts_skip_closed_tasks_and_deleted_cards(people, spread):
    spread["a1"].deleted_at = datetime(2026, 1, 1)
    db.session.commit()
    walk_to(spread["b1"], "promo_top_up", people["owner"])
    counts = card_board.counts(people["owner"])
    assert counts == {stage_of("linking_access").id: 1, stage_of("promo_top_up").id: 2, stage_of("take_access").id: 1}


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("owner", {"a1", "a2", "b1", "c1", "c2"}),
        ("agent", {"a1", "a2"}),  # only his own cards, on whatever stage they are
        ("agent3", {"c1", "c2"}),
        ("manager", {"a1", "a2", "b1"}),  # his and his agents' cards
        ("manager2", {"c1", "c2"}),
        ("accountant", {"a1", "a2", "b1", "c1", "c2"}),  # the accountant of every card
    ],
)
def test_each_person_sees_the_tasks_of_his_cards(people, spread, viewer, expected):
    assert _cards_on_board(people[viewer]) == _ids(spread, *expected)
    assert sum(card_board.counts(people[viewer]).values()) == len(expected)


def test_filters(people, spread, banks):
    p = people
    owner = p["owner"]
    assert _cards_on_board(owner, BoardFilters(agent_id=p["agent"].id)) == _ids(spread, "a1", "a2")
    assert _cards_on_board(owner, BoardFilters(manager_id=p["manager2"].id)) == _ids(spread, "c1", "c2")
    assert _cards_on_board(owner, BoardFilters(bank_id=banks[0].id)) == _ids(spread, "a1", "b1", "c2")
    both = BoardFilters(manager_id=p["manager"].id, bank_id=banks[1].id)
    assert _cards_on_board(owner, both) == _ids(spread, "a2")
    # "mine": the tasks assigned to me, not every card I may see
    assert _cards_on_board(p["agent"], BoardFilters(mine=True)) == _ids(spread, "a1")
    assert _cards_on_board(p["accountant"], BoardFilters(mine=True)) == _ids(spread, "a2")
    assert _cards_on_board(p["manager2"], BoardFilters(mine=True)) == _ids(spread, "c2")
    assert card_board.counts(p["agent"], BoardFilters(mine=True)) == {stage_of("linking_access").id: 1}
    # a filter cannot widen the scope
    assert _cards_on_board(p["agent"], BoardFilters(agent_id=p["agent3"].id)) == set()


def test_filters_from_query_args():
    filters = BoardFilters.from_args({"mine": "1", "agent": "7", "manager": "x", "bank": ""})
    assert filters == BoardFilters(mine=True, agent_id=7)
    assert filters.as_args() == {"mine": "1", "agent": 7}


def test_a_column_pages_by_keyset_without_duplicates_or_gaps(people):
    owner = people["owner"]
    cards = [make_card(agent=people["agent"]) for _ in range(75)]
    # Deadlines with many ties, in an order unlike the ids: the keyset must use (deadline, id).
    base = datetime(2026, 3, 1, 9, 0)
    for index, card in enumerate(cards):
        db.session.execute(
            sa.update(StageTask)
            .where(StageTask.subject_type == "card", StageTask.subject_id == card.id)
            .values(deadline=base + timedelta(hours=(index * 7) % 5))
        )
    db.session.commit()
    stage_id = stage_of("linking_access").id
    first = card_board.column(owner, stage_id)
    assert len(first) == card_board.PAGE_SIZE
    cursor = card_board.parse_cursor(card_board.cursor_of(first[-1]))
    assert cursor == (first[-1].deadline, first[-1].id)
    rest = card_board.column(owner, stage_id, after=cursor)
    assert len(rest) == 25
    rows = list(first) + list(rest)
    assert [(r.deadline, r.id) for r in rows] == sorted((r.deadline, r.id) for r in rows)
    assert sorted(r.card_id for r in rows) == sorted(c.id for c in cards)
    assert card_board.column(owner, stage_id, after=card_board.parse_cursor(card_board.cursor_of(rest[-1]))) == []


@pytest.mark.parametrize("text", ["", "garbage", "2026-01-01T00:00:00", "2026-13-01T00:00:00_5", "2026-01-01_x"])
def test_bad_cursors_parse_to_none(text):
    assert card_board.parse_cursor(text) is None


def test_rendering_the_board_takes_a_fixed_number_of_queries(app, login_as, people):
    client = signed_in(app, login_as, people["owner"])
    agents = [people["agent"], people["agent2"], people["agent3"]]

    def render():
        with counted_queries() as statements:
            page = client.get("/admin/tracker/")
        assert page.status_code == 200
        return len(statements), len(re.findall(r'data-task-id="\d+"', page.text))

    render()  # the first request of a session also reads the person's access once for the process
    for index in range(5):
        make_card(agent=agents[index % 3], manager=people["manager"], accountant=people["accountant"])
    few, shown = render()
    assert shown == 5
    for index in range(60):
        make_card(agent=agents[index % 3], manager=people["manager"], accountant=people["accountant"])
    many, shown = render()
    assert shown == card_board.FIRST_PAGE_SIZE
    assert many == few
    assert few <= 40  # the page's own needs: session, user, pipeline, people and banks lists
