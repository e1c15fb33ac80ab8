"""Which boards the benches expect a move's event at (socket_fanout.py, load_test.py): exactly those
whose scope shows the card, as the app sends it; a receipt anywhere else is a leak."""

from bench.common import board_watchers, hears
from bench.load_test import deliveries
from realtime.rooms import board_room
from services.platform import access
from tests.factories.cards import make_card
from tests.factories.platform import make_team_of_two


def test_a_card_is_expected_at_the_boards_of_those_whose_scope_shows_it(app):
    people = make_team_of_two()
    card = make_card(agent=people["agent"])
    other = make_card(agent=people["agent2"], accountant=people["accountant"])

    watchers = board_watchers(app, [card.id, other.id])
    rooms = {name: board_room(person, "cards") for name, person in people.items()}
    heard = {
        subject.id: {name for name, room in rooms.items() if hears(room, watchers[subject.id])}
        for subject in (card, other)
    }
    assert heard == {card.id: {"owner", "manager", "agent"}, other.id: {"owner", "manager", "agent2", "accountant"}}
    for subject in (card, other):
        assert heard[subject.id] == {name for name, person in people.items() if access.in_scope(person, subject)}


def test_the_load_test_counts_expected_lost_and_leaked_deliveries():
    sent = {(1, 2): 10.0, (3, 4): 20.0}
    watchers = {1: frozenset({7}), 3: frozenset({8})}
    users = [
        {"room": "board:cards:all", "receipts": [(10.05, 1, 2)]},  # (3, 4) lost
        {"room": "board:cards:viewer:7", "receipts": [(10.02, 1, 2), (20.01, 3, 4)]},  # (3, 4) leaked
        {"room": "board:cards:viewer:8", "receipts": [(20.03, 3, 4), (30.0, 5, 6)]},  # (5, 6): no move of the run
        {"room": "board:cards:viewer:9", "receipts": []},  # sees neither card
    ]
    result = deliveries(users, sent, watchers)
    assert (result["expected"], result["lost"], result["leaked"]) == (4, 1, 1)
    assert sorted(round(ms) for ms in result["latencies"]) == [20, 30, 50]
