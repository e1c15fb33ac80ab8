"""Benchmark: a client chat's message reaches 200 connected clients of the chat's room across two web
processes (services mode: PostgreSQL, Socket.IO through Redis), p95 ≤ 150 ms; beside it, in the same
run, the baseline: the same messages to the same clients all connected to one web process with no
Redis queue.

It makes a throwaway PostgreSQL database (migrated, reference and demo data: the demo chat on one of
the employee's clients) and claims a free Redis db number; starts the production-shaped cluster of
deploy/cluster.py on spare ports (2 gunicorn webs on Redis; no workers, no scheduler) and, for the
baseline, one more gunicorn web on the same database without REDIS_URL. The clients live in separate
processes (2 by default); each signs in once per person through the real form as the chat's
participants in turn (the responsible employee and the leaders above her), connects one Socket.IO
client per slot with that cookie over WebSocket — the even slots to web A, the odd ones to web B —
and joins `client_chat:<id>`. The supervisor then posts messages through the HTTP POST of the chat
to web A; a delivery's latency is from just before the POST to that client's receipt of
`chat_message` (one CLOCK_MONOTONIC for all processes). Then the same with every client on the single
web. Everything it started is stopped, the database dropped and the Redis db emptied.

    PYTHONPATH=. .venv/bin/python bench/chat_fanout.py                          # 200 clients, 20 messages
    PYTHONPATH=. .venv/bin/python bench/chat_fanout.py --clients 40 --messages 5 # a quick run

It prints measured figures beside the target; nothing here asserts on time.
"""

import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from bench.common import CSRF_META, cookie_header, free_port, make_database, percentiles, report, signed_in

TARGET_MS = 150
SENDER = "supervisor"
WARMUP = 2


def client_process(urls, slots, password, room, received, ready, stop, results):
    """One Socket.IO client per (index, username) slot on urls[index % len(urls)], in the chat's room;
    records every chat_message as (index, when, message id)."""
    import socketio

    records, clients, cookies = [], [], {}
    for index, username in slots:
        base_url = urls[index % len(urls)]
        if username not in cookies:  # one session per person; the sessions live in the shared database
            cookies[username] = cookie_header(signed_in(base_url, username, password))
        client = socketio.Client(reconnection=False)

        def on_message(data, index=index):
            records.append((index, time.monotonic(), data["message_id"]))
            with received.get_lock():
                received.value += 1

        client.on("chat_message", on_message)
        client.connect(base_url, headers={"Cookie": cookies[username]}, transports=["websocket"], wait_timeout=30)
        reply = client.call("join", {"room": room}, timeout=30)
        if not reply or not reply.get("ok"):
            raise RuntimeError(f"{username} could not join {room}: {reply}")
        clients.append(client)
    ready.put(len(clients))
    stop.wait()
    results.put(records)
    results.close()
    results.join_thread()
    os._exit(0)  # a polite disconnect of every client takes long; the run is over


def demo_chat(database_url):
    """(client id, [usernames of the chat's participants]) of the demo chat."""
    from sqlalchemy import select

    from bench.generate_cards import bench_app
    from extensions import db
    from models.chats import ChatMessage
    from models.platform.user import User
    from services.chats import rules

    app = bench_app(database_url)
    with app.app_context():
        client_id = db.session.scalar(select(ChatMessage.client_id).limit(1))
        client = db.session.get(rules.client_model(), client_id)
        people = rules.participant_ids(client)
        names = list(db.session.scalars(select(User.username).where(User.id.in_(sorted(people))).order_by(User.id)))
        db.session.remove()
        db.engine.dispose()
    return client_id, names


def measure(label, urls, client_id, names, args):
    """Connect the clients to `urls`, post the messages to urls[0]; print the figures."""
    from seeds.demo import DEMO_PASSWORD

    room = f"client_chat:{client_id}"
    slots = [(index, names[index % len(names)]) for index in range(args.clients)]
    context = multiprocessing.get_context("spawn")
    received, ready, stop, results = context.Value("i", 0), context.Queue(), context.Event(), context.Queue()
    share = -(-len(slots) // args.client_processes)
    processes = []
    started = time.perf_counter()
    for first in range(0, len(slots), share):
        process = context.Process(
            target=client_process,
            args=(urls, slots[first : first + share], DEMO_PASSWORD, room, received, ready, stop, results),
            daemon=True,
        )
        process.start()
        processes.append(process)
    connected = sum(ready.get(timeout=600) for _ in processes)
    print(f"[{label}] {connected} clients signed in, connected to {len(urls)} web process(es) and in the room "
          f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip

    sender = signed_in(urls[0], SENDER, DEMO_PASSWORD)
    csrf = CSRF_META.search(sender.get(f"{urls[0]}/admin/clients/{client_id}/?tab=chat").text).group(1)
    sent, post_ms, incomplete = [], [], 0
    for n in range(args.messages + WARMUP):
        expected = received.value + connected
        before = time.monotonic()
        response = sender.post(f"{urls[0]}/admin/chats/{client_id}/messages", data={"body": f"bench {n}"},
                               headers={"X-CSRFToken": csrf})  # fmt: skip
        post_ms.append((time.monotonic() - before) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"message refused: {response.status_code} {response.text[:300]}")
        sent.append((response.json()["id"], before))
        deadline = time.monotonic() + args.wait
        while received.value < expected and time.monotonic() < deadline:
            time.sleep(0.002)
        incomplete += received.value < expected
        time.sleep(0.2)
    stop.set()
    records = [record for _ in processes for record in results.get(timeout=120)]
    for process in processes:
        process.join(timeout=30)

    measured = dict(sent[WARMUP:])
    latencies = [(at - measured[message_id]) * 1000 for _i, at, message_id in records if message_id in measured]
    expected = connected * len(measured)
    print(f"[{label}] messages: {len(measured)} measured (+{WARMUP} warm-up), deliveries expected {expected}, "
          f"received {len(latencies)}, messages still incomplete after {args.wait} s: {incomplete}")  # fmt: skip
    return percentiles(latencies) if latencies else None, percentiles(post_ms[WARMUP:])


def main():
    from deploy.cluster import Cluster
    from tests.services_setup import claim_redis_db, release_redis_db

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait for all receipts of a message")
    parser.add_argument(
        "--pg-server", default=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()

    from config import normalize_database_url

    raw_url, drop = make_database(args.pg_server)
    database_url = normalize_database_url(raw_url)
    redis_url = claim_redis_db(args.redis)
    run = Path(tempfile.mkdtemp(prefix="kartoteka-chat-bench-"))
    threads = args.clients + 50  # a WebSocket holds a thread of the gthread worker
    cluster = Cluster(run_dir=run / "cluster", database_url=database_url, redis_url=redis_url, port=free_port(),
                      threads=threads, workers=0, schedulers=0)  # fmt: skip
    single = Cluster(run_dir=run / "single", database_url=database_url, redis_url="", port=free_port(), webs=1,
                     threads=threads, workers=0, schedulers=0)  # fmt: skip
    try:
        started = time.perf_counter()
        cluster.start(seed=True)
        single.run_dir.mkdir(parents=True, exist_ok=True)
        single.start_web(0)
        single.wait_ready(webs_only=True)
        print(f"database migrated and seeded, 2 webs on Redis + 1 web alone started in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        client_id, names = demo_chat(database_url)
        print(f"the demo chat's participants: {', '.join(names)}", flush=True)
        webs = [f"http://127.0.0.1:{port}" for port in cluster.web_ports]
        two, two_post = measure("2 webs + Redis", webs, client_id, names, args)
        one, one_post = measure("1 web, no Redis", [f"http://127.0.0.1:{single.web_ports[0]}"], client_id, names, args)
    finally:
        single.stop()
        cluster.stop()
        release_redis_db(redis_url)
        drop()
    print()
    if two and one:
        report("message → chat_message, 2 webs + Redis", two, TARGET_MS, baseline=one)
        report("baseline: 1 web, no Redis queue", one, TARGET_MS)
    report("message POST (2 webs + Redis)", two_post)
    report("message POST (baseline, 1 web)", one_post)


if __name__ == "__main__":
    main()
