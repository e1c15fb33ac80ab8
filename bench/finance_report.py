"""Benchmark: services.finance.report.report over 10,000,000 transactions on PostgreSQL.

Generates (INSERT … SELECT generate_series, in chunks) 20 banks, 50 agents, 1,000,000 cards (a
third with a bank answer date) and 10,000,000 transactions over five years (2021–2025), builds the
daily and monthly totals with one INSERT … SELECT GROUP BY each (finance_totals.rebuild), then times, for
a month, a quarter, a year, all time and a period with edge days:

- finance.report(period) — totals, by bank, by agent and by month from the kept totals;
  target p95 ≤ 300 ms;
- the baseline in the same run: the same figures as naive SUM … GROUP BY over the raw
  transactions ⋈ cards (the same six groupings), and the bare two totals as one SUM each;

checks that both give the same Decimal totals to the cent, and times adding one transaction
through the ORM (the session hook's upkeep). Nothing here asserts on time.

    PYTHONPATH=. .venv/bin/python bench/finance_report.py                 # full size, run, drop
    PYTHONPATH=. .venv/bin/python bench/finance_report.py --scale 0.01    # quick run
"""

import argparse
import datetime as dt
import os
import time
from decimal import Decimal

import sqlalchemy as sa

# Generating and the naive baseline run longer than the app's per-statement limit.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "0")

from bench.common import make_database, report, timed  # noqa: E402
from bench.generate_cards import DEFAULT_SERVER, bench_app  # noqa: E402

TARGET_MS = 300
TRANSACTIONS = 10_000_000
CARDS = 1_000_000
BANKS = 20
AGENTS = 50
FIRST_DAY = dt.date(2021, 1, 1)
DAYS = 1826  # 2021-01-01 … 2025-12-31
CHUNK = 1_000_000
PERIODS = [
    ("a month", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ("a quarter", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    ("a year", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("all time", dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
    ("edge days 2022-02-14…2024-11-20", dt.date(2022, 2, 14), dt.date(2024, 11, 20)),
]


def step(label, func):
    start = time.perf_counter()
    result = func()
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
    return result


def generate(connection, scale):
    cards = max(int(CARDS * scale), 100)
    transactions = max(int(TRANSACTIONS * scale), 1000)
    pipeline_id, stage_id = connection.execute(
        sa.text(
            "SELECT p.id, s.id FROM pipelines p JOIN stages s ON s.pipeline_id = p.id "
            "WHERE p.code = 'cards' ORDER BY s.position LIMIT 1"
        )
    ).one()
    connection.execute(
        sa.text(
            "INSERT INTO banks (name, commission_percent, commission_fixed, is_active, created_at, updated_at) "
            "SELECT 'Bench bank ' || g, 1.00, 0, true, now(), now() FROM generate_series(1, :n) g"
        ),
        {"n": BANKS},
    )
    connection.execute(
        sa.text(
            "INSERT INTO users (username, full_name, password_hash, language, timezone, is_blocked, totp_enabled, "
            "created_at, updated_at) SELECT 'bench_agent' || g, 'Bench agent ' || g, 'x', 'en', 'Europe/Kyiv', "
            "false, false, now(), now() FROM generate_series(1, :n) g"
        ),
        {"n": AGENTS},
    )
    bank_min = connection.execute(sa.text("SELECT min(id) FROM banks")).scalar()
    agent_min = connection.execute(sa.text("SELECT min(id) FROM users WHERE username LIKE 'bench_agent%'")).scalar()
    step(
        f"{cards:,} cards",
        lambda: connection.execute(
            sa.text(
                "INSERT INTO cards (number, number_hash, contact_name, contact_phone, bank_id, agent_id, pipeline_id, stage_id, "
                "bucket, stage_entered_at, bank_answer_date, created_at, updated_at, version) "
                "SELECT '4149 49** **** ' || lpad((g % 10000)::text, 4, '0'), 'bench ' || g, 'Bench contact', '', :bank_min + g % :banks, "
                ":agent_min + (g / 7) % :agents, :pipeline, :stage, 'archive', now(), "
                "CASE WHEN g % 3 = 0 THEN CAST(:first AS date) + (g * 37) % :days END, now(), now(), 1 "
                "FROM generate_series(1, :n) g"
            ),
            {
                "bank_min": bank_min,
                "banks": BANKS,
                "agent_min": agent_min,
                "agents": AGENTS,
                "pipeline": pipeline_id,
                "stage": stage_id,
                "first": FIRST_DAY,
                "days": DAYS,
                "n": cards,
            },
        ),
    )
    card_min = connection.execute(sa.text("SELECT min(id) FROM cards")).scalar()
    # Types: half work-off, a quarter top-up, the rest fee and refund; amounts 1.00 … 1000.99.
    insert = sa.text(
        "INSERT INTO transactions (card_id, date, type, amount, commission_kind, commission_rate, commission, "
        "created_at, updated_at) "
        "SELECT :card_min + g % :cards, CAST(:first AS date) + CAST((g * 7919) % :days AS integer), "
        "(ARRAY['work_off', 'work_off', 'top_up', 'fee', 'work_off', 'work_off', 'top_up', 'refund'])[CAST(g % 8 AS integer) + 1], "
        "a, 'percent', 1.00, round(a / 100, 2), now(), now() "
        "FROM (SELECT g, ((g * 31337) % 100000) / 100.0 + 1 AS a FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) g) s"
    )
    for lo in range(1, transactions + 1, CHUNK):
        hi = min(lo + CHUNK - 1, transactions)
        step(
            f"transactions {lo:,}–{hi:,}",
            lambda lo=lo, hi=hi: connection.execute(
                insert, {"card_min": card_min, "cards": cards, "first": FIRST_DAY, "days": DAYS, "lo": lo, "hi": hi}
            ),
        )
        connection.commit()
    return cards, transactions


NAIVE_WORK = """
SELECT {key}, SUM(t.amount), COUNT(*) FROM transactions t JOIN cards c ON c.id = t.card_id
WHERE t.type = 'work_off' AND c.deleted_at IS NULL AND t.date BETWEEN :a AND :b GROUP BY {key}
"""
NAIVE_PROFIT = """
SELECT {key}, SUM(CASE WHEN t.type IN ('top_up', 'work_off') THEN t.amount
                       WHEN t.type IN ('fee', 'refund') THEN -t.amount ELSE 0 END - t.commission)
FROM cards c JOIN transactions t ON t.card_id = c.id
WHERE c.deleted_at IS NULL AND c.bank_answer_date BETWEEN :a AND :b GROUP BY {key}
"""
NAIVE_KEYS = {"bank": "c.bank_id", "agent": "c.agent_id", "month": "date_trunc('month', {day})"}


def naive_report(session, a, b):
    """The report's figures as SUM … GROUP BY over the raw tables: totals from the month grouping."""
    totals = {}
    for name, key in NAIVE_KEYS.items():
        work = session.execute(sa.text(NAIVE_WORK.format(key=key.format(day="t.date"))), {"a": a, "b": b}).all()
        profit = session.execute(
            sa.text(NAIVE_PROFIT.format(key=key.format(day="c.bank_answer_date"))), {"a": a, "b": b}
        ).all()
        if name == "month":
            totals["work_off"] = sum((r[1] for r in work), Decimal("0.00"))
            totals["profit"] = sum((r[1] or 0 for r in profit), Decimal("0.00"))
    return totals


def naive_totals(session, a, b):
    work = session.execute(
        sa.text(
            "SELECT SUM(t.amount) FROM transactions t JOIN cards c ON c.id = t.card_id "
            "WHERE t.type = 'work_off' AND c.deleted_at IS NULL AND t.date BETWEEN :a AND :b"
        ),
        {"a": a, "b": b},
    ).scalar()
    profit = session.execute(sa.text(NAIVE_PROFIT.format(key="1").replace("GROUP BY 1", "")), {"a": a, "b": b}).scalar()
    return work or Decimal("0.00"), profit or Decimal("0.00")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size (1.0 = 10M transactions)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of the report per period")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of the naive baseline per period")
    args = parser.parse_args()

    url, drop = make_database(os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER))
    app = bench_app(url)
    try:
        with app.app_context():
            from flask_migrate import upgrade

            from extensions import db
            from models.cards.card import Transaction
            from seeds.reference import load_reference
            from services.finance import report as finance
            from services.finance import totals as finance_totals

            upgrade(directory="migrations")
            load_reference()
            db.session.commit()
            print(f"generating (scale {args.scale}) …", flush=True)
            with db.engine.connect() as connection:
                cards, transactions = generate(connection, args.scale)
                connection.commit()
            with db.engine.begin() as connection:
                step("finance_totals.rebuild (daily + monthly totals)", lambda: finance_totals.rebuild(connection))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                step("VACUUM ANALYZE", lambda: connection.execute(sa.text("VACUUM ANALYZE")))
            sizes = db.session.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM finance_daily), "
                    "(SELECT count(*) FROM finance_monthly)"
                )
            ).one()
            print(
                f"rows: {sizes[0]:,} transactions, {cards:,} cards, {sizes[1]:,} daily cells, {sizes[2]:,} monthly cells"
            )
            print(f"PostgreSQL {db.session.execute(sa.text('SHOW server_version')).scalar()}, {os.cpu_count()} CPUs")
            db.session.commit()

            print(f"\nfinance.report vs naive SUM over the raw tables (target p95 ≤ {TARGET_MS} ms)")
            for name, a, b in PERIODS:
                kept = finance.report(a, b)
                raw = naive_report(db.session, a, b)
                same = kept.total.work_off == raw["work_off"] and kept.total.profit == raw["profit"]
                db.session.rollback()
                result = timed(lambda a=a, b=b: (finance.report(a, b), db.session.rollback()), args.repeat)
                baseline = timed(
                    lambda a=a, b=b: (naive_report(db.session, a, b), db.session.rollback()), args.naive_repeat
                )
                bare = timed(
                    lambda a=a, b=b: (naive_totals(db.session, a, b), db.session.rollback()), args.naive_repeat
                )
                report(f"report, {name}", result, TARGET_MS, baseline)
                report(f"  naive report (6 GROUP BYs), {name}", baseline)
                report(f"  naive two totals only, {name}", bare)
                print(
                    f"  totals work-off {kept.total.work_off} profit {kept.total.profit}: "
                    f"{'equal to the naive SUM' if same else 'DIFFER from the naive SUM ' + str(raw)}",
                    flush=True,
                )

            card_id = db.session.execute(
                sa.text("SELECT min(id) FROM cards WHERE bank_answer_date IS NOT NULL")
            ).scalar()

            def add_one():
                db.session.add(
                    Transaction(
                        card_id=card_id,
                        date=dt.date(2025, 5, 5),
                        type="work_off",
                        amount=Decimal("10.05"),
                        commission=Decimal("0.10"),
                    )
                )
                db.session.commit()

            report("add one transaction (ORM, hook, commit)", timed(add_one, 50))
            with db.engine.connect() as connection:
                problems = finance_totals.check(connection) if args.scale <= 0.1 else None
            if problems is not None:
                print(f"kept totals equal the ledger: {not problems}")
    finally:
        with app.app_context():
            from extensions import db

            db.session.remove()
            db.engine.dispose()
        drop()
        print("bench database dropped", flush=True)


if __name__ == "__main__":
    main()
