"""The task tracker's queries: counts in one grouped query, columns by keyset, filters and scope.
The `people`, `banks` and their `spread` of cards are the root conftest's."""

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from models.pipeline import StageTask
from services.cards import board as card_board
from services.cards import card_numbers
from services.cards.board import BoardFilters
from tests.factories.cards import card_number, cards_on_board, make_card, stage_of, walk_to
from tests.sql_capture import capture_sql
from tests.view_helpers import signed_in


def _ids(spread, *keys):
    return {spread[k].id for k in keys}


def test_counts_come_from_one_grouped_query(people, spread):
    card_board.counts(people["owner"])  # loads the viewer's role and memberships once
    with capture_sql() as sql:
        counts = card_board.counts(people["owner"])
    # one grouped query does the counting; nothing is fetched per card or per stage
    assert [s for s in sql.normalized if "group by" in s] and sql.count <= 2
    assert sum("group by" in s for s in sql.normalized) == 1
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
    assert cards_on_board(people[viewer]) == _ids(spread, *expected)
    assert sum(card_board.counts(people[viewer]).values()) == len(expected)


def test_filters(people, spread, banks):
    p = people
    owner = p["owner"]
    assert cards_on_board(owner, BoardFilters(agent_id=p["agent"].id)) == _ids(spread, "a1", "a2")
    assert cards_on_board(owner, BoardFilters(manager_id=p["manager2"].id)) == _ids(spread, "c1", "c2")
    assert cards_on_board(owner, BoardFilters(bank_id=banks[0].id)) == _ids(spread, "a1", "b1", "c2")
    both = BoardFilters(manager_id=p["manager"].id, bank_id=banks[1].id)
    assert cards_on_board(owner, both) == _ids(spread, "a2")
    # "mine": the tasks assigned to me, not every card I may see
    assert cards_on_board(p["agent"], BoardFilters(mine=True)) == _ids(spread, "a1")
    assert cards_on_board(p["accountant"], BoardFilters(mine=True)) == _ids(spread, "a2")
    assert cards_on_board(p["manager2"], BoardFilters(mine=True)) == _ids(spread, "c2")
    assert card_board.counts(p["agent"], BoardFilters(mine=True)) == {stage_of("linking_access").id: 1}
    # a filter cannot widen the scope
    assert cards_on_board(p["agent"], BoardFilters(agent_id=p["agent3"].id)) == set()


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
        with capture_sql() as sql:
            page = client.get("/admin/tracker/")
        assert page.status_code == 200
        return sql.count, len(re.findall(r'data-task-id="\d+"', page.text))

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


def test_the_search_box_narrows_every_column_and_its_counts(people, spread):
    p = people
    a1, c2 = spread["a1"], spread["c2"]
    card_numbers.assign(a1, card_number(1001))
    card_numbers.assign(c2, card_number(7777, first6="414900"))
    a1.contact_name, a1.contact_phone, c2.contact_name = "Анна Коваль", "+380671234567", "Olga Tkachenko"
    db.session.commit()
    owner = p["owner"]
    for term in ("1001", "516875", "анна", "КОВАЛЬ", "067 123", "+380 67 123"):
        assert cards_on_board(owner, BoardFilters(q=term)) == {a1.id}, term
    assert cards_on_board(owner, BoardFilters(q="7777")) == {c2.id}
    assert cards_on_board(owner, BoardFilters(q="4149 00** **** 7777")) == {c2.id}  # as pages show it
    assert cards_on_board(owner, BoardFilters(q=card_number(7777, first6="414900"))) == {c2.id}  # the full one
    assert cards_on_board(owner, BoardFilters(q="7510")) == set()  # no run across the mask
    assert card_board.counts(owner, BoardFilters(q="7777")) == {c2.stage_id: 1}
    assert cards_on_board(p["agent"], BoardFilters(q="7777")) == set()  # the search never widens the scope
    assert cards_on_board(owner, BoardFilters(q="%")) == set() and cards_on_board(owner, BoardFilters(q="_")) == set()


def test_the_search_box_from_the_query_string(app, login_as, people, spread):
    spread["a1"].number = "5168 75** **** 4242"
    db.session.commit()
    page = signed_in(app, login_as, people["owner"]).get("/admin/tracker/?q=4242")
    assert page.status_code == 200
    assert re.findall(r'data-subject-id="(\d+)"', page.text) == [str(spread["a1"].id)]
    assert BoardFilters.from_args({"q": "  50  99 "}).as_args() == {"q": "50 99"}
