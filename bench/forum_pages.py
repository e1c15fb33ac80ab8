"""Benchmark: the forum at size, each figure beside a baseline measured in the same run.

- "read by N of M" of one message in a topic with 5,000 participants and 2,000 messages (the
  watermark rows: one per participant): target ≤ 20 ms, through HTTP (the receipts endpoint, as the
  page asks after a `forum_read` event) and bare (services.forum.reads.receipts); baseline: the same
  count over a per-message receipts table of the same data (a row per reader and message);
- a branch page with 100,000 topics (20 pinned), signed in as the topic's reader, first page and a
  page 50,000 topics deep (keyset): target p95 ≤ 50 ms; baseline: the same page read with OFFSET and
  a COUNT(*) of the branch, bare SQL.

    PYTHONPATH=. .venv/bin/python bench/forum_pages.py --database-url postgresql+psycopg://…/empty_db
    PYTHONPATH=. .venv/bin/python bench/forum_pages.py            # makes and drops its own database

It prints measured figures beside the targets; nothing here asserts on time."""

import argparse
import os
import time

import sqlalchemy as sa

from bench.cards_pages import measure, percentiles, record, results
from bench.generate_cards import DEFAULT_SERVER, bench_app

PARTICIPANTS, POSTS, TOPICS, PINNED = 5_000, 2_000, 100_000, 20
READ_TARGET_MS, BRANCH_TARGET_MS = 20, 50
PASSWORD = "bench-forum-1"

PEOPLE_SQL = """
INSERT INTO users (username, full_name, password_hash, language, timezone, is_blocked, totp_enabled,
                   created_at, updated_at)
SELECT 'reader' || n, 'Reader ' || n, :hash, 'uk', 'Europe/Kyiv', false, false, now(), now()
FROM generate_series(1, :count) AS n
"""
POSTS_SQL = """
INSERT INTO forum_posts (topic_id, author_id, body, created_at)
SELECT :topic, :author, 'Message ' || n || ' of the bench topic', now() - make_interval(secs => :count - n)
FROM generate_series(1, :count) AS n
"""
PARTICIPANTS_SQL = """
INSERT INTO forum_participants (topic_id, user_id, invited, last_read_post_id)
SELECT :topic, u.id, true, :first + ((u.id * 7919) % :count)
FROM users u WHERE u.username LIKE 'reader%'
"""
TOPICS_SQL = """
INSERT INTO forum_topics (branch_id, title, author_id, restricted, pinned, closed, last_post_id, last_post_at,
                          post_count, created_at, updated_at, created_by_id, updated_by_id)
SELECT :branch, 'Topic ' || n, :author, false, n <= :pinned, false, 0, now() - make_interval(secs => n), 0,
       now(), now(), :author, :author
FROM generate_series(1, :count) AS n
"""
RECEIPTS_SQL = """
CREATE TABLE bench_receipts AS
SELECT p.id AS post_id, fp.user_id FROM forum_posts p
JOIN forum_participants fp ON fp.topic_id = p.topic_id AND fp.last_read_post_id >= p.id
WHERE p.topic_id = :topic
"""
OFFSET_SQL = """
SELECT id, title, last_post_at FROM forum_topics WHERE branch_id = :branch
ORDER BY pinned DESC, last_post_at DESC, id DESC OFFSET :offset LIMIT 50
"""


def _log(message):
    print(message, flush=True)


def prepare(app):
    """People, a bench branch with its 100,000 topics, and a topic of 5,000 participants."""
    from extensions import db
    from models.forum import ForumParticipant, ForumTopic
    from seeds.reference import load_reference
    from services.forum import branches, posts
    from services.platform import passwords, staff
    from tests.factories.platform import role

    started = time.perf_counter()
    with app.app_context():
        load_reference()
        owner = staff.create("bench_owner", PASSWORD, full_name="Bench Owner", role=role("owner"))
        reader = staff.create("bench_reader", PASSWORD, full_name="Bench Reader", role=role("manager"))
        db.session.commit()
        db.session.execute(sa.text(PEOPLE_SQL), {"hash": passwords.hash_password(PASSWORD), "count": PARTICIPANTS})
        room = branches.create(owner, None, "Bench topics")
        talk = branches.create(owner, None, "Bench talk")
        topic = posts.create_topic(owner, talk, "Five thousand readers", "First", restricted=True)
        first = topic.last_post_id
        db.session.execute(sa.text(POSTS_SQL), {"topic": topic.id, "author": owner.id, "count": POSTS})
        last = db.session.scalar(sa.text("SELECT max(id) FROM forum_posts"))
        db.session.execute(sa.update(ForumTopic).where(ForumTopic.id == topic.id).values(
            last_post_id=last, post_count=POSTS + 1))  # fmt: skip
        db.session.execute(sa.text(PARTICIPANTS_SQL), {"topic": topic.id, "first": first, "count": POSTS})
        db.session.add(ForumParticipant(topic_id=topic.id, user_id=reader.id, invited=True, last_read_post_id=last))
        db.session.execute(sa.text(TOPICS_SQL), {"branch": room.id, "author": owner.id, "pinned": PINNED,
                                                 "count": TOPICS})  # fmt: skip
        db.session.execute(sa.text(RECEIPTS_SQL), {"topic": topic.id})
        db.session.execute(sa.text("CREATE INDEX ix_bench_receipts ON bench_receipts (post_id, user_id)"))
        db.session.commit()
        ids = {"topic": topic.id, "branch": room.id, "middle": first + POSTS // 2, "owner": owner.id}
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
            auto.execute(sa.text("VACUUM ANALYZE"))
        rows = db.session.scalar(sa.text("SELECT count(*) FROM bench_receipts"))
        sizes = db.session.execute(sa.text(
            "SELECT pg_size_pretty(pg_total_relation_size('forum_participants')),"
            " pg_size_pretty(pg_total_relation_size('bench_receipts'))")).one()  # fmt: skip
        db.session.remove()
    _log(f"data: {PARTICIPANTS:,} participants × {POSTS:,} messages (watermarks {sizes[0]}; a per-message "
         f"receipts table of the same data: {rows:,} rows, {sizes[1]}), {TOPICS:,} topics in one branch; "
         f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    return ids


def login(app, username):
    from bench.cards_pages import CSRF_FIELD

    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"cannot sign in as {username}: HTTP {response.status_code}")
    return client


def bare(app, call, repeat, warmup=3):
    from extensions import db

    samples = []
    for n in range(repeat + warmup):
        with app.test_request_context("/"):
            start = time.perf_counter()
            call(db)
            took = (time.perf_counter() - start) * 1000
            db.session.remove()
        if n >= warmup:
            samples.append(took)
    return samples


def bench_read_by(app, ids, repeat):
    from models.forum import ForumTopic
    from services.forum import reads

    owner = login(app, "bench_owner")
    url = f"/admin/forum/topic/{ids['topic']}/receipts?posts={ids['middle']}"

    def baseline(db):
        db.session.execute(sa.text("SELECT count(*) FROM bench_receipts WHERE post_id = :p"), {"p": ids["middle"]})
        db.session.execute(sa.text("SELECT count(*) FROM forum_participants WHERE topic_id = :t AND invited"),
                           {"t": ids["topic"]})  # fmt: skip

    base = percentiles(bare(app, baseline, repeat))
    record(f"'read by' of a message, HTTP ({PARTICIPANTS:,} participants)", measure(lambda: owner.get(url), repeat),
           READ_TARGET_MS, base)  # fmt: skip
    record("'read by' of a message, bare (reads.receipts)",
           bare(app, lambda db: reads.receipts(db.session.get(ForumTopic, ids["topic"]), [ids["middle"]]), repeat),
           READ_TARGET_MS, base)  # fmt: skip
    readers = f"/admin/forum/post/{ids['middle']}/readers"
    record("who read it (names, HTTP)", measure(lambda: owner.get(readers), max(5, repeat // 3)), None, None)


def bench_branch(app, ids, repeat):
    from services.forum import topics

    reader = login(app, "bench_reader")
    first = f"/admin/forum/branch/{ids['branch']}/"

    def offset_page(offset):
        def run(db):
            db.session.execute(sa.text(OFFSET_SQL), {"branch": ids["branch"], "offset": offset}).all()
            db.session.execute(sa.text("SELECT count(*) FROM forum_topics WHERE branch_id = :b"), {"b": ids["branch"]})

        return run

    record(f"branch page, first ({TOPICS:,} topics, HTTP)", measure(lambda: reader.get(first), repeat),
           BRANCH_TARGET_MS, percentiles(bare(app, offset_page(0), repeat)))  # fmt: skip
    from extensions import db

    with app.app_context():
        moment, topic_id = db.session.execute(sa.text(
            "SELECT last_post_at, id FROM forum_topics WHERE branch_id = :b AND NOT pinned "
            "ORDER BY last_post_at DESC, id DESC OFFSET 50000 LIMIT 1"), {"b": ids["branch"]}).one()  # fmt: skip
        cursor = f"{moment.isoformat()}_{topic_id}"
        db.session.remove()
    deep = f"{first}?after={cursor}"
    record("branch page 50,000 topics deep (keyset, HTTP)", measure(lambda: reader.get(deep), repeat),
           BRANCH_TARGET_MS, percentiles(bare(app, offset_page(50_000), repeat)))  # fmt: skip
    assert topics.PAGE == 50


def print_table():
    print("\n| measure | p95 | target | baseline p95 |\n|---|---|---|---|")
    for name, result, target, baseline, _speedup in results:
        shown = f"≤ {target} ms" if target else "—"
        base = f"{baseline['p95']:.1f} ms" if baseline else "—"
        print(f"| {name} | {result['p95']:.1f} ms | {shown} | {base} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty PostgreSQL database to fill (it is migrated here)")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from config import normalize_database_url

    drop = None
    if args.database_url:
        url = normalize_database_url(args.database_url)
    else:
        from bench.common import make_database

        url, drop = make_database(os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER))
    try:
        app = bench_app(url)
        with app.app_context():
            upgrade(directory="migrations")
        ids = prepare(app)
        bench_read_by(app, ids, args.repeat)
        bench_branch(app, ids, args.repeat)
        print_table()
    finally:
        if drop:
            drop()


if __name__ == "__main__":
    main()
