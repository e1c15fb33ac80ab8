"""Generator: 1,000,000 clients over the training stages (30 % on the board) with their open stage
tasks, 10,000,000 events, 2,000,000 invoices and 20,000,000 ledger entries with their balances, over
2,125 people in the org tree (bench/client_data.py), written by server-side SQL in chunks.

    PYTHONPATH=. .venv/bin/python bench/generate_clients.py --keep            # full size; prints the URL
    PYTHONPATH=. .venv/bin/python bench/generate_clients.py --scale 0.01      # 10,000 clients, then drop

The bulk load runs with the triggers off (replication role): the engine's counters and the ledger's
balances are then computed from the rows (services.pipeline.counts.rebuild, BALANCES_SQL)."""

import argparse
import time

import sqlalchemy as sa

from bench import client_data as data
from bench.generate_cards import machine_note
from bench.generate_cards import open_bench as cards_bench

CHUNK = 100_000


def _log(message):
    print(message, flush=True)


def generate(scale=1.0, log=_log):
    from extensions import db
    from models.clients import CLIENTS_PIPELINE, Client, Event, EventStatus, EventType, Invoice
    from models.ledger import LedgerEntry
    from models.pipeline import Pipeline, StageTask
    from services.pipeline import counts as pipeline_counts

    started = time.perf_counter()
    clients = max(round(data.CLIENTS * scale), 100)
    ids = data.create_people()
    log(f"people: {len(ids['employees']) + len(ids['department_heads']) + len(ids['office_heads'])}, "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    board = db.session.scalar(sa.select(Pipeline).where(Pipeline.code == CLIENTS_PIPELINE))
    working = [stage for stage in board.stages if not stage.is_final]
    finals = [next(s for s in board.stages if s.code == "lost"), next(s for s in board.stages if s.code == "completed")]
    stages = working + finals
    types = list(db.session.scalars(sa.select(EventType.id)))
    statuses = list(db.session.scalars(sa.select(EventStatus.id)))
    connection = db.session.connection()
    for setting in ("statement_timeout = 0", "work_mem = '256MB'", "maintenance_work_mem = '512MB'",
                    "synchronous_commit = off", "session_replication_role = replica"):  # fmt: skip
        connection.execute(sa.text(f"SET LOCAL {setting}"))
    tables = (Client, StageTask, Event, Invoice, LedgerEntry)
    indexes = [index for table in tables for index in table.__table__.indexes if not index.unique]
    for index in indexes:
        connection.execute(sa.text(f'DROP INDEX IF EXISTS "{index.name}"'))
    people = [person for person, _office in ids["employees"]]
    offices = [office for _person, office in ids["employees"]]
    steps = (
        ("clients", data.CLIENTS_SQL, {
            "first": data.FIRST, "n_first": len(data.FIRST), "last": data.LAST, "n_last": len(data.LAST),
            "sources": data.SOURCES, "n_sources": len(data.SOURCES), "people": people, "offices": offices,
            "n_people": len(people), "pipeline_id": board.id, "stage_ids": [s.id for s in stages],
            "stage_buckets": [s.bucket for s in stages], "n_working": len(working),
            "working_pct": round(data.WORKING_SHARE * 100)}),
        ("open stage tasks", data.OPEN_TASKS_SQL, {"working": [s.id for s in working]}),
        ("events", data.EVENTS_SQL, {"types": types, "n_types": len(types), "statuses": statuses,
                                     "n_statuses": len(statuses), "per_client": data.EVENTS_PER_CLIENT}),
        ("invoices", data.INVOICES_SQL, {"per_client": data.INVOICES_PER_CLIENT}),
        ("ledger entries", data.ENTRIES_SQL, {"per_client": data.ENTRIES_PER_CLIENT}),
    )  # fmt: skip
    for name, statement, params in steps:
        step = time.perf_counter()
        chunk = CHUNK if name in ("clients", "open stage tasks") else CHUNK // 10
        for low in range(1, clients + 1, chunk):
            connection.execute(sa.text(statement), {**params, "low": low, "high": min(low + chunk - 1, clients)})
        log(f"{name}: {time.perf_counter() - step:.1f} s")
    for table in ("clients", "stage_tasks", "events", "invoices", "ledger_entries"):
        connection.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT coalesce(max(id), 1) FROM {table}))"))
    step = time.perf_counter()
    connection.execute(sa.text(data.BALANCES_SQL))
    for index in indexes:
        index.create(bind=connection)
    connection.execute(sa.text("SET session_replication_role = origin"))
    db.session.commit()
    log(f"balances and indexes: {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    pipeline_counts.rebuild(Client)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
        auto.execute(sa.text("SET statement_timeout = 0"))
        auto.execute(sa.text("VACUUM ANALYZE"))
    log(f"counters and vacuum analyze: {time.perf_counter() - step:.1f} s")
    sizes = db.session.execute(sa.text(
        "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM events), (SELECT count(*) FROM invoices), "
        "(SELECT count(*) FROM ledger_entries), pg_size_pretty(pg_database_size(current_database()))")).one()  # fmt: skip
    log(f"clients {sizes[0]:,}, events {sizes[1]:,}, invoices {sizes[2]:,}, ledger entries {sizes[3]:,}; "
        f"database {sizes[4]}; generation {time.perf_counter() - started:.0f} s")  # fmt: skip
    return ids


def open_bench(args):
    """Yields (app, url): the clients' data generated, or the database at --database-url as it is."""
    return cards_bench(args, generator=generate)


def add_arguments(parser, scale=1.0):
    parser.add_argument("--scale", type=float, default=scale, help="1.0 = 1,000,000 clients")
    parser.add_argument("--database-url", help="use this database (generated before with --keep) as it is")
    parser.add_argument("--keep", action="store_true", help="keep the generated database and print its URL")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    args = parser.parse_args()
    machine_note()
    with open_bench(args):
        pass


if __name__ == "__main__":
    main()
