"""The one keyset cursor parser (services/platform/cursors.py), which the tracker's columns and the
auto-tasks tab (and its export) page by."""

from datetime import datetime

import pytest

from services.cards import board as card_board
from services.platform import cursors
from services.tasks import auto_tasks


def test_a_cursor_round_trips():
    for moment in (datetime(2026, 11, 23, 10, 0), datetime(2026, 11, 23, 10, 0, 5, 123456)):
        assert cursors.parse_cursor(cursors.cursor_text(moment, 123)) == (moment, 123)
    assert cursors.parse_cursor(" 2026-11-23T10:00:00_123 ") == (datetime(2026, 11, 23, 10), 123)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "garbage",
        "2026-11-23T10:00:00",
        "2026-11-23T10:00:00_",
        "2026-13-01T00:00:00_5",
        "2026-11-23T10:00:00_0",
        "2026-11-23T10:00:00_-5",
        "2026-11-23T10:00:00_" + "9" * 19,  # beyond a BIGINT
        "2026-11-23T10:00:00_" + "9" * 5000,
        "2026-11-23T10:00:00+02:00_5",  # the columns are naive UTC
        "2026-11-23 10:00:00_5",
        "2026-11-23T10:00:00_\u0661\u0662",  # int() takes these digits
        "\u0662\u0660\u0662\u0666-11-23T10:00:00_5",
    ],
)
def test_anything_else_is_no_cursor(text):
    assert cursors.parse_cursor(text) is None


def test_every_keyset_cursor_of_that_kind_is_parsed_by_it():
    assert card_board.parse_cursor is cursors.parse_cursor
    assert auto_tasks.parse_cursor is cursors.parse_cursor
