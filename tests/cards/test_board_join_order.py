"""The tracker's board statements and a card's load run with their joins in the order written
(services.platform.database.joins_as_written); the statements around them do not."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from extensions import db
from services.cards import board as card_board
from services.cards import operations as cards
from services.cards.board import BoardFilters
from services.platform import database

BOARD_TABLES = ("stage_tasks", "card_stage_counts")


@contextmanager
def executed():
    """[(SQL, whether it asked for its joins as written)] of the statements run meanwhile."""
    found = []

    def note(conn, cursor, statement, parameters, context, executemany):
        found.append((statement, bool(context.execution_options.get(database.JOINS_AS_WRITTEN))))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield found
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)


@contextmanager
def limits_in_effect(monkeypatch):
    """[(SQL, join_collapse_limit as PostgreSQL had it when the statement was sent)]."""
    import psycopg

    found = []
    send = psycopg.Cursor.execute

    def spy(cursor, query, *args, **kwargs):
        if isinstance(query, str) and not query.lstrip().upper().startswith(("SET", "SHOW")):
            shown = cursor.connection.execute("SHOW join_collapse_limit", prepare=False).fetchone()[0]
            found.append((query, shown))
        return send(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", spy)
    yield found


def _every_board_read(people, spread, banks):  # noqa: F811
    stage_ids = [stage.id for stage in card_board.cards_pipeline().stages if not stage.is_final]
    for user in (people["owner"], people["manager"], people["agent"]):
        for filters in (BoardFilters(), BoardFilters(mine=True), BoardFilters(bank_id=banks[0].id)):
            card_board.counts(user, filters)
            card_board.first_pages(user, stage_ids, filters)
            for drive in (False, True):
                card_board._seen.clear()
                if drive:
                    card_board.counts(user, filters, stage_ids)
                card_board.column(user, stage_ids[0], filters)


def _board_statements(found):
    return [entry for entry in found if any(table in entry[0] for table in BOARD_TABLES)]


def test_every_board_statement_asks_for_its_joins_as_written(people, spread, banks):  # noqa: F811
    with executed() as found:
        _every_board_read(people, spread, banks)
    board = _board_statements(found)
    assert len({statement for statement, _ in board}) >= 6  # counts, walks, drives of several shapes
    assert all(as_written for _, as_written in board)
    assert not all(as_written for _, as_written in found)  # the rest of the request is planned as usual


def test_a_card_load_asks_for_its_joins_as_written(people, spread):  # noqa: F811
    card_id = spread["a1"].id
    with executed() as found:
        assert cards.visible_card(people["owner"], card_id) is not None
    assert found[0][1] and "FROM cards" in found[0][0]


def test_on_postgresql_the_board_runs_with_the_limit_and_the_rest_without(monkeypatch, people, spread, banks):  # noqa: F811
    if db.engine.dialect.name != "postgresql":
        pytest.skip("join_collapse_limit is a PostgreSQL setting")
    server = db.session.execute(sa.text("SELECT boot_val FROM pg_settings WHERE name = 'join_collapse_limit'"))
    server, card_id = server.scalar(), spread["a1"].id
    with limits_in_effect(monkeypatch) as found:
        _every_board_read(people, spread, banks)
        cards.visible_card(people["manager"], card_id)
    board = _board_statements(found)
    assert board and {limit for _, limit in board} == {"1"}
    card_load = [limit for statement, limit in found if statement.lstrip().startswith("SELECT cards.id")]
    assert card_load and set(card_load) == {"1"}
    others = [limit for statement, limit in found if statement not in {s for s, _ in board}]
    assert others and server in others
    assert db.session.execute(sa.text("SHOW join_collapse_limit")).scalar() == server
