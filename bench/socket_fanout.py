"""Benchmark: a move reaches the connected boards that show its card (200 Socket.IO clients), p95 ≤ 150 ms.

The app runs as in `python app.py` (`socketio.run`, threading mode, Werkzeug) in a thread of this
process on a loopback port, on a generated database (1,000,000 archived + 100,000 active cards).
The clients live in separate processes (2 by default) so that their 200 read loops do not share
the server's interpreter lock. Each client signs in through the real form with its own session
(the owner, the administrator, managers, agents and accountants in turn), opens the tracker page
to learn its board room as the browser does, connects with that cookie over WebSocket and joins
the room. Then the owner moves real cards one stage forward through the HTTP POST; a move's
latency for a client is from just before the POST is sent to that client's receipt of
"board_changed" (one CLOCK_MONOTONIC for all processes). A move's event must reach exactly the
clients whose scope shows the card: those on `board:cards:all` (who see every card) and the narrow
viewers (each on his own `board:cards:viewer:<id>`) among `services.platform.access.watchers_of` the card's
people, computed once per card before the moves. Latencies and losses are over those expected
deliveries only; an event at any other client is a leak (target 0). All are counted and printed.

    PYTHONPATH=. .venv/bin/python bench/socket_fanout.py                       # generate, run, drop
    PYTHONPATH=. .venv/bin/python bench/socket_fanout.py --database-url postgresql+psycopg://…/kartoteka_bench_…
    PYTHONPATH=. .venv/bin/python bench/socket_fanout.py --scale 0.01 --clients 50 --moves 5

It prints measured figures beside the target; nothing here asserts on time.
"""

import argparse
import logging
import multiprocessing
import os
import random
import re
import socket
import statistics
import threading
import time

import sqlalchemy as sa

from bench.card_data import PASSWORD
from bench.common import CSRF_META, board_watchers, cookie_header, free_port, hears, percentiles, report, signed_in
from bench.generate_cards import add_arguments, open_bench

TARGET_MS = 150
ROOM = re.compile(r'data-room="([^"]+)"')


def sign_in(base_url, username):
    """A requests session signed in through the form; returns (session, tracker page text)."""
    http = signed_in(base_url, username, PASSWORD)
    return http, http.get(f"{base_url}/admin/tracker/").text


def client_process(base_url, usernames, first_index, received, ready, stop, results):
    """Connect one Socket.IO client per username, report ready (with each client's board room),
    record every board_changed of a card."""
    import socketio

    records, clients, rooms = [], [], {}
    for offset, username in enumerate(usernames):
        index = first_index + offset
        http, page = sign_in(base_url, username)
        room = rooms[index] = ROOM.search(page).group(1)
        cookie = cookie_header(http)
        client = socketio.Client(reconnection=False)

        def on_changed(data, index=index):
            if data.get("subject_id") is None:  # a whole column's change (scheduled jobs), no card's move
                return
            records.append((index, time.monotonic(), data["subject_id"], data["version"]))
            with received.get_lock():
                received.value += 1

        client.on("board_changed", on_changed)
        # No Origin header of ours: websocket-client sends the URL's origin itself (a second one would
        # reach the server joined to it, "a,b", and the origin check refuses that).
        client.connect(base_url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30)
        reply = client.call("join", {"room": room}, timeout=30)
        if not reply or not reply.get("ok"):
            raise RuntimeError(f"{username} could not join {room}: {reply}")
        clients.append(client)
    ready.put(rooms)
    stop.wait()
    results.put(records)
    results.close()
    results.join_thread()
    # A polite disconnect takes seconds per client with the Werkzeug server; the run is over.
    os._exit(0)


EMITTED = {}  # (subject_id, version) → when the server started sending board_changed


def start_server(app, port):
    from extensions import socketio

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    emit = socketio.emit

    def timed_emit(event, data=None, *args, **kwargs):
        if event == "board_changed":
            EMITTED.setdefault((data["subject_id"], data["version"]), time.monotonic())
        return emit(event, data, *args, **kwargs)

    socketio.emit = timed_emit  # instrumentation only: when the server work ends and delivery starts
    thread = threading.Thread(
        target=socketio.run,
        args=(app,),
        kwargs={"host": "127.0.0.1", "port": port, "allow_unsafe_werkzeug": True, "use_reloader": False},
        daemon=True,
    )
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def client_usernames(app, count):
    """Everyone who may open the tracker, in turn, until `count` sessions."""
    from extensions import db

    with app.app_context():
        names = list(
            db.session.scalars(
                sa.text(
                    "SELECT u.username FROM users u JOIN roles r ON r.id = u.role_id "
                    "JOIN role_permissions p ON p.role_id = r.id AND p.permission = 'cards.view' ORDER BY u.id"
                )
            )
        )
    return [names[i % len(names)] for i in range(count)]


def movable_cards(app, count, seed):
    from extensions import db

    with app.app_context():
        ids = list(
            db.session.scalars(
                sa.text(
                    "SELECT c.id FROM cards c JOIN stages s ON s.id = c.stage_id "
                    "WHERE NOT s.is_final AND c.deleted_at IS NULL"
                )
            )
        )
    return random.Random(seed).sample(ids, count)


def move_form(app, card_id, csrf):
    from extensions import db
    from models.cards.card import Card
    from seeds.demo_cards import sample_values

    with app.app_context():
        card = db.session.get(Card, card_id)
        data = {f"field.{name}": value for name, value in sample_values(card.stage).items()}
        data.update(to_stage=card.stage.allowed_targets[0].id, version=card.version, csrf_token=csrf)
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait for all receipts of a move")
    args = parser.parse_args()
    with open_bench(args) as (app, _url):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        start_server(app, port)
        names = client_usernames(app, args.clients)
        context = multiprocessing.get_context("spawn")
        received, ready, stop, results = context.Value("i", 0), context.Queue(), context.Event(), context.Queue()
        share = -(-len(names) // args.client_processes)
        processes = []
        started = time.perf_counter()
        for first in range(0, len(names), share):
            process = context.Process(
                target=client_process,
                args=(base_url, names[first : first + share], first, received, ready, stop, results),
                daemon=True,
            )
            process.start()
            processes.append(process)
        rooms = {}  # client index → the board room its tracker page named
        for _ in processes:
            rooms.update(ready.get(timeout=600))
        connected, seeing_all = len(rooms), sum(room.endswith(":all") for room in rooms.values())
        print(f"{connected} clients ({seeing_all} see every card, the others their scope) signed in, connected "
              f"and joined in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        cards = movable_cards(app, args.moves + 2, args.moves)
        watchers = board_watchers(app, cards)
        hearing = {card_id: {i for i, room in rooms.items() if hears(room, watchers[card_id])} for card_id in cards}

        owner, page = sign_in(base_url, "owner")
        csrf = CSRF_META.search(page).group(1)
        sent, post_ms, slow = [], [], 0
        for card_id in cards:
            data = move_form(app, card_id, csrf)
            expected = received.value + len(hearing[card_id])
            before = time.monotonic()
            response = owner.post(f"{base_url}/admin/tracker/{card_id}/move", data=data, headers={"X-CSRFToken": csrf})
            post_ms.append((time.monotonic() - before) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"move refused: {response.status_code} {response.text[:300]}")
            sent.append((card_id, response.json()["version"], before))
            deadline = time.monotonic() + args.wait
            while received.value < expected and time.monotonic() < deadline:
                time.sleep(0.002)
            slow += received.value < expected
            time.sleep(0.2)
        stop.set()
        records = [record for _ in processes for record in results.get(timeout=120)]
        for process in processes:
            process.join(timeout=30)

    warmup = sent[:2]  # the first two moves warm up the server's paths; not counted
    measured = sent[2:]
    by_event = {(card_id, version): before for card_id, version, before in measured}
    moved = {(card_id, version) for card_id, version, _before in sent}
    latencies, got, leaked, expected_records = [], set(), 0, []
    for record in records:
        index, at, subject_id, version = record
        if (subject_id, version) not in moved:
            continue
        if index not in hearing[subject_id]:
            leaked += 1  # a client whose scope does not show the card (warm-up moves too)
            continue
        before = by_event.get((subject_id, version))
        if before is not None:
            latencies.append((at - before) * 1000)
            got.add((index, subject_id, version))
            expected_records.append(record)
    expected_pairs = sum(len(hearing[card_id]) for card_id, _version, _before in measured)
    lost = expected_pairs - len(got)
    print(f"moves: {len(measured)} measured (+{len(warmup)} warm-up), clients: {connected}, deliveries expected: "
          f"{expected_pairs} (to the clients whose scope shows the card, of {connected * len(measured)} client-moves), "
          f"received: {len(got)}, moves still incomplete after {args.wait} s: {slow}")  # fmt: skip
    print(f"{'deliveries lost (of those expected)':<44} {lost:8d}   target 0 {'OK' if lost == 0 else 'MISSED'}")
    print(f"{'deliveries leaked (out of scope, all moves)':<44} {leaked:8d}   target 0 {'OK' if leaked == 0 else 'MISSED'}")  # fmt: skip
    report("move → board_changed at expected clients", percentiles(latencies), TARGET_MS)
    report("move POST through the live server (owner)", percentiles(post_ms[2:]), 50)
    to_emit = [(EMITTED[key] - before) * 1000 for key, before in by_event.items() if key in EMITTED]
    if to_emit:
        report("  of which POST sent → server starts emitting", percentiles(to_emit))
        delivery = [(at - EMITTED[(s, v)]) * 1000 for _i, at, s, v in expected_records if (s, v) in EMITTED]
        report("  of which emitting → client has it", percentiles(delivery))
    per_move = {}
    for _index, at, subject_id, version in expected_records:
        if (subject_id, version) in by_event:
            per_move.setdefault((subject_id, version), []).append((at - by_event[(subject_id, version)]) * 1000)
    last = sorted(max(values) for values in per_move.values())
    if last:
        print(f"time until the last of a move's expected clients had it: p50 {statistics.median(last):.1f} ms, "
              f"max {last[-1]:.1f} ms", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
