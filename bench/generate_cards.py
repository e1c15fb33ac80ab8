"""Generator: 1,000,000 archived cards, 100,000 active cards spread over the stages, and every
card's stage-task history, written by server-side SQL (INSERT … SELECT generate_series).

People: an owner, an administrator, 6 accountants, 10 managers under 2 office heads and 50 agents
under the managers (memberships placed through `services.platform.hierarchy.place`, so paths are right).
Directories: 15 banks and 40 suppliers with skewed use. Contacts: 40 first names × 360 surnames
and random Ukrainian mobile numbers, so a substring filter is selective.

History: every archived card has 9 closed stage tasks (one per stage it went through); an active
card has a closed task for each earlier stage and one open task on its stage, whose deadline is
spread around now (about a quarter overdue). 2% of cards name their own person for the work-off
stage (stage_responsibles), and that person holds that stage's task.

    PYTHONPATH=. .venv/bin/python bench/generate_cards.py                 # full size, then drop
    PYTHONPATH=. .venv/bin/python bench/generate_cards.py --scale 0.01    # 10,000 + 1,000 cards
    PYTHONPATH=. .venv/bin/python bench/generate_cards.py --keep          # keep it; prints the URL
    (BENCH_DATABASE_URL defaults to postgresql+psycopg://postgres@127.0.0.1:5432/test)

`open_bench(args)` is what the benchmarks use: a generated database (or `--database-url` of a kept
one), the app built on it, and the drop at the end unless `--keep`.
"""

import argparse
import os
import time
from contextlib import contextmanager

import sqlalchemy as sa

from bench.card_data import (
    ACTIVE,
    ARCHIVED,
    CARDS_SQL,
    DELETED_SHARE,
    FIRST_NAMES,
    OPERATORS,
    RESPONSIBLE_SHARE,
    RESPONSIBLES_SQL,
    TASKS_SQL,
    create_people,
    stage_bounds,
    stage_rows,
    surnames,
)

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _log(message):
    print(message, flush=True)


def generate(scale=1.0, log=_log):
    """Fill the (migrated, reference-loaded, empty) database of the current app context."""
    from extensions import db
    from models.cards.card import Card
    from models.pipeline import StageResponsible, StageTask
    from services.cards import counts as card_counts
    from services.cards.board import cards_pipeline

    started = time.perf_counter()
    archived, active = round(ARCHIVED * scale), round(ACTIVE * scale)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Card)):
        raise SystemExit("this database already has cards; generate into a fresh one")
    ids = create_people()
    board = cards_pipeline()
    stage_table = stage_rows(board)
    final = next(s for s in board.stages if s.is_final)
    stages = [s for s in board.stages if not s.is_final] + [final]
    log(f"people, offices, banks, suppliers: {time.perf_counter() - started:.1f} s")

    connection = db.session.connection()
    # One transaction up to the commit below, so SET LOCAL; the bulk statements run for minutes:
    # no statement timeout (the app's engine sets one on each connection).
    settings = [
        "statement_timeout = 0",
        "maintenance_work_mem = '512MB'",
        "work_mem = '256MB'",
        "synchronous_commit = off",
    ]
    superuser = connection.scalar(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if superuser:
        # Skips the FK triggers while loading; the rows are valid by construction.
        settings.append("session_replication_role = replica")
    for setting in settings:
        connection.execute(sa.text(f"SET LOCAL {setting}"))
    connection.execute(sa.text("SELECT setseed(0.42)"))  # the same data at every run of a scale
    indexes = [index for table in (Card, StageTask, StageResponsible) for index in table.__table__.indexes]
    for index in indexes:
        connection.execute(sa.text(f'DROP INDEX IF EXISTS "{index.name}"'))

    step = time.perf_counter()
    connection.execute(
        sa.text(CARDS_SQL),
        {
            "first": FIRST_NAMES, "n_first": len(FIRST_NAMES), "last": surnames(), "n_last": len(surnames()),
            "ops": OPERATORS, "n_ops": len(OPERATORS),
            "banks": ids["banks"], "n_banks": len(ids["banks"]),
            "suppliers": ids["suppliers"], "n_suppliers": len(ids["suppliers"]),
            "agents": ids["agents"], "agent_managers": ids["agent_managers"], "n_agents": len(ids["agents"]),
            "accountants": ids["accountants"], "n_accountants": len(ids["accountants"]),
            "pipeline_id": board.id, "owner": ids["owner"],
            "stage_ids": [s.id for s in stages], "stage_buckets": [s.bucket for s in stages],
            "stage_days": [s.deadline_days for s in stages],
            "final_index": len(stages), "bounds": stage_bounds(), "archived": archived, "total": archived + active,
            "deleted_share": DELETED_SHARE,
        },
    )  # fmt: skip
    connection.execute(sa.text("SELECT setval('cards_id_seq', (SELECT max(id) FROM cards))"))
    work_off = next(s for s in board.stages if s.code == "work_off")
    connection.execute(
        sa.text(RESPONSIBLES_SQL),
        {"stage_id": work_off.id, "agents": ids["agents"], "n_agents": len(ids["agents"]), "share": RESPONSIBLE_SHARE},
    )
    log(f"cards: {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    connection.execute(
        sa.text(
            "CREATE TEMP TABLE bench_stages (pos int, id int, role text, days int, next_id int, tpl text) ON COMMIT DROP"
        )
    )
    connection.execute(
        sa.text("INSERT INTO bench_stages VALUES (:pos, :id, :role, :days, :next_id, :tpl)"), stage_table
    )
    total = archived + active
    chunk = 200_000
    for low in range(1, total + 1, chunk):
        connection.execute(sa.text(TASKS_SQL), {"low": low, "high": min(low + chunk - 1, total)})
    log(f"stage tasks: {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    for index in indexes:
        index.create(bind=connection)
    if superuser:
        connection.execute(sa.text("SET session_replication_role = origin"))
    db.session.commit()
    log(f"indexes: {time.perf_counter() - step:.1f} s")

    # The bulk load bypassed the counters' triggers (replication role, or far too slow row by row).
    step = time.perf_counter()
    rows = card_counts.rebuild()
    db.session.commit()
    log(f"card counters: {rows:,} rows, {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
        auto.execute(sa.text("SET statement_timeout = 0"))
        auto.execute(sa.text("VACUUM ANALYZE"))
        auto.execute(sa.text("RESET statement_timeout"))
    log(f"vacuum analyze: {time.perf_counter() - step:.1f} s")
    elapsed = time.perf_counter() - started
    print_sizes(log)
    log(f"generation time: {elapsed:.1f} s ({elapsed / 60:.1f} min), scale {scale}")
    return elapsed


def machine_note(log=_log):
    """Cores, load and a fixed Python loop's time: runs on a shared machine differ; this says how."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    loop_ms = (time.perf_counter() - start) * 1000
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    log(f"machine: {os.cpu_count()} cores, load average {load}, 3M-step Python loop {loop_ms:.0f} ms")


def print_sizes(log=_log):
    from extensions import db

    counts = db.session.execute(
        sa.text(
            """
            SELECT (SELECT count(*) FROM cards WHERE bucket = 'archive'),
                   (SELECT count(*) FROM cards WHERE bucket <> 'archive'),
                   (SELECT count(*) FROM cards WHERE deleted_at IS NOT NULL),
                   (SELECT count(*) FROM stage_tasks WHERE closed_at IS NULL),
                   (SELECT count(*) FROM stage_tasks WHERE closed_at IS NULL AND deadline < timezone('UTC', now())),
                   (SELECT count(*) FROM stage_tasks WHERE closed_at IS NOT NULL),
                   (SELECT count(*) FROM stage_responsibles),
                   (SELECT count(*) FROM users), (SELECT count(*) FROM memberships),
                   pg_size_pretty(pg_total_relation_size('cards')),
                   pg_size_pretty(pg_total_relation_size('stage_tasks')),
                   pg_size_pretty(pg_database_size(current_database()))
            """
        )
    ).one()
    log(
        f"cards: {counts[0]:,} archived + {counts[1]:,} active ({counts[2]:,} soft-deleted); "
        f"stage tasks: {counts[3]:,} open ({counts[4]:,} overdue) + {counts[5]:,} closed; "
        f"stage_responsibles: {counts[6]:,}; users: {counts[7]}, memberships: {counts[8]}"
    )
    log(f"sizes: cards {counts[9]}, stage_tasks {counts[10]}, database {counts[11]}")
    per_stage = db.session.execute(
        sa.text(
            "SELECT s.position, s.code, count(*) FROM stage_tasks t JOIN stages s ON s.id = t.stage_id "
            "WHERE t.closed_at IS NULL GROUP BY 1, 2 ORDER BY 1"
        )
    ).all()
    log("open tasks per stage: " + ", ".join(f"{code} {n:,}" for _pos, code, n in per_stage))


def add_arguments(parser, scale=1.0):
    parser.add_argument("--scale", type=float, default=scale, help="1.0 = 1,000,000 archived + 100,000 active")
    parser.add_argument("--database-url", help="use this database (generated before with --keep) as it is")
    parser.add_argument("--keep", action="store_true", help="keep the generated database and print its URL")


def bench_app(url):
    """The app on `url`, as in production but with cheap password hashing for the bench logins."""
    from app import create_app
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 40}
        RUN_EMBEDDED_WORKERS = False
        ARGON2_TIME_COST = 1
        ARGON2_MEMORY_COST = 1024

    os.environ["DATABASE_URL"] = url
    return create_app(BenchConfig)


@contextmanager
def open_bench(args, before_requests=None, generator=None):
    """Yields (app, url): a database generated by `generator(scale)` (the cards' by default), or the one
    at --database-url as it is."""
    from config import normalize_database_url

    drop = None
    if args.database_url:
        url = normalize_database_url(args.database_url)
    else:
        from bench.common import make_database

        url, drop = make_database(os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER))
    app = bench_app(url)
    if before_requests:
        before_requests(app)
    try:
        with app.app_context():
            if drop is not None:
                from flask_migrate import upgrade

                from seeds.reference import load_reference

                upgrade(directory="migrations")
                load_reference()
                (generator or generate)(args.scale)
            elif generator is None:
                print_sizes()
        yield app, url
    finally:
        with app.app_context():
            from extensions import db

            db.session.remove()
            db.engine.dispose()
        if drop is not None:
            if getattr(args, "keep", False):
                print(f"kept the database: --database-url {url}", flush=True)
            else:
                drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    args = parser.parse_args()
    if args.database_url:
        # Generate into an existing (empty) database.
        from flask_migrate import upgrade

        from config import normalize_database_url
        from seeds.reference import load_reference

        app = bench_app(normalize_database_url(args.database_url))
        with app.app_context():
            upgrade(directory="migrations")
            load_reference()
            generate(args.scale)
        return
    with open_bench(args):
        pass


if __name__ == "__main__":
    main()
