"""Benchmark: the clients' pages on 1,000,000 clients, 10,000,000 events, 2,000,000 invoices and
20,000,000 ledger entries (bench/generate_clients.py), each figure a full request through the Flask
test client, signed in as the owner (sees all) and as a supervisor (his 19 employees), beside a
baseline measured in the same run:

- the clients' board, one column page (JSON), a move through the modal's POST, a client's page:
  target p95 ≤ 50 ms; baseline: the same page's queries run bare (the service call, no request);
- the clients list with each filter: target p95 ≤ 100 ms; baseline: its query run bare;
- an employee's points balance and his entries' first page: target ≤ 20 ms and ≥ 50× faster than
  the baseline, a naive SUM over his ledger entries;
- an import of a 100,000-row XLSX (dry run and run): target ≤ 60 s (--import-rows 0 skips it).

    PYTHONPATH=. .venv/bin/python bench/clients_pages.py                     # generate full size, run, drop
    PYTHONPATH=. .venv/bin/python bench/clients_pages.py --scale 0.01        # quick run
    PYTHONPATH=. .venv/bin/python bench/generate_clients.py --keep           # once, then:
    PYTHONPATH=. .venv/bin/python bench/clients_pages.py --database-url postgresql+psycopg://…

It prints measured figures beside the targets; nothing here asserts on time."""

import argparse
import io
import random
import time
from datetime import date

import sqlalchemy as sa

from bench.card_data import PASSWORD
from bench.cards_pages import CSRF_FIELD, CSRF_META, measure, percentiles, record
from bench.common import report
from bench.generate_cards import machine_note
from bench.generate_clients import add_arguments, open_bench

PARTS = ("board", "page", "lists", "moves", "balance", "import")
PAGE_TARGET_MS, LIST_TARGET_MS, BALANCE_TARGET_MS, BALANCE_SPEEDUP = 50, 100, 20, 50


def login(app, username):
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"cannot sign in as {username}: HTTP {response.status_code}")
    client.csrf = CSRF_META.search(client.get("/admin/clients/").text).group(1)
    client.username = username
    return client


def bare(app, username, call, repeat):
    """Milliseconds of `call(user)` in a request context signed in as `username` (no HTTP)."""
    from flask_login import login_user

    from extensions import db
    from models.platform.user import User

    with app.test_request_context("/"):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        login_user(user)
        for _ in range(3):
            call(user)
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            call(user)
            samples.append((time.perf_counter() - start) * 1000)
        db.session.remove()
    return percentiles(samples)


def working_stages(app):
    from extensions import db
    from services import pipeline

    with app.app_context():
        stages = [s.id for s in pipeline.stage_labels("clients").values() if not s.is_final]
        db.session.remove()
    return stages


def bench_board(app, client, stages, repeat):
    from services.clients import board

    who = client.username
    base = bare(
        app,
        who,
        lambda user: [board.column(user, s, limit=20) for s, n in board.counts(user, stages).items() if n],
        repeat,
    )
    record(f"clients board ({who})", measure(lambda: client.get("/admin/clients/board/"), repeat), PAGE_TARGET_MS, base)
    cycle = iter(stages * repeat * 3)
    base = bare(app, who, lambda user: board.column(user, next(cycle), limit=50), repeat)
    cycle = iter(stages * repeat * 3)
    record(f"column page, JSON ({who})",
           measure(lambda: client.get(f"/admin/clients/board/column/{next(cycle)}"), repeat), PAGE_TARGET_MS, base)  # fmt: skip


def some_clients(app, username, count, stage_code=None):
    from extensions import db
    from models.clients import Client
    from models.pipeline import Stage
    from models.platform.user import User
    from services.platform import access

    with app.test_request_context("/"):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        query = sa.select(Client.id).where(Client.deleted_at.is_(None)).order_by(Client.id).limit(count * 5)
        if stage_code:
            query = query.join(Stage, Stage.id == Client.stage_id).where(Stage.code == stage_code)
        found = list(db.session.scalars(access.scope(user, query, Client)))
        db.session.remove()
    return random.Random(7).sample(found, min(count, len(found)))


def bench_client_page(app, client, repeat):
    from services.clients import operations

    who = client.username
    ids = iter(some_clients(app, who, repeat + 3) * 2)
    base = bare(app, who, lambda user: operations.visible_client(user, next(ids)), repeat)
    ids = iter(some_clients(app, who, repeat + 3) * 2)
    record(
        f"client page ({who})",
        measure(lambda: client.get(f"/admin/clients/{next(ids)}/"), repeat),
        PAGE_TARGET_MS,
        base,
    )


def bench_moves(app, client, repeat):
    from extensions import db
    from models.clients import Client
    from models.pipeline import Stage

    who = client.username
    picks = some_clients(app, who, repeat + 3, "new_lead")
    with app.app_context():
        target = db.session.scalar(sa.select(Stage.id).where(Stage.code == "contacted"))
        versions = dict(db.session.execute(sa.select(Client.id, Client.version).where(Client.id.in_(picks))).all())
        db.session.remove()
    moves = iter(picks)

    def move():
        client_id = next(moves)
        return client.post(f"/admin/clients/board/{client_id}/move",
                           data={"version": str(versions[client_id]), "to_stage": str(target),
                                 "field.contacted_on": date.today().isoformat()}, headers={"X-CSRFToken": client.csrf})  # fmt: skip

    if len(picks) < 4:
        print(f"a move: too few new leads of {who} to move", flush=True)
        return
    record(f"a move, the modal's POST ({who})", measure(move, min(repeat, len(picks) - 3)), PAGE_TARGET_MS)


def list_cases(app):
    from extensions import db
    from models.platform.org import Department, Office
    from models.platform.user import User
    from services import pipeline

    with app.app_context():
        stage = next(s.id for s in pipeline.stage_labels("clients").values() if s.code == "trial_booked")
        person = db.session.scalar(sa.select(User.id).where(User.username.like("employee%")).order_by(User.id))
        office = db.session.scalar(sa.select(Office.id).order_by(Office.id))
        department = db.session.scalar(sa.select(Department.id).order_by(Department.id))
        db.session.remove()
    return {
        "no filter": "", "name": "q=Олена Кова", "phone digits": "q=067 12", "stage": f"stage={stage}",
        "progress": "bucket=lost", "responsible": f"responsible={person}", "office": f"office={office}",
        "department": f"department={department}", "source": "source=TikTok", "tag": "tag=vip",
    }  # fmt: skip


def bench_lists(app, client, cases, repeat):
    from werkzeug.datastructures import MultiDict

    from services.clients import lists

    who = client.username
    for name, args in cases.items():
        filters = lists.ListFilters.from_args(MultiDict([pair.split("=", 1) for pair in args.split("&") if pair]))
        base = bare(app, who, lambda user, f=filters: lists.rows(user, f), repeat)
        record(f"clients list, {name} ({who})", measure(lambda a=args: client.get(f"/admin/clients/?{a}"), repeat),
               LIST_TARGET_MS, base)  # fmt: skip


def bench_balance(app, client, repeat):
    from extensions import db
    from models.ledger import LedgerEntry
    from models.platform.user import User
    from services import ledger

    with app.app_context():
        people = list(db.session.scalars(sa.select(User.id).where(User.username.like("employee%")).order_by(User.id)))
        db.session.remove()
    chosen = random.Random(3).sample(people, min(repeat, len(people)))
    picks = iter(chosen * 3)

    def kept(user):
        person = next(picks)
        ledger.balance_of("employee", person)
        ledger.history("employee", person)

    picks_naive = iter(chosen * 3)

    def naive(user):
        person = next(picks_naive)
        db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount)).where(
            LedgerEntry.employee_id == person, LedgerEntry.holder == "employee", LedgerEntry.kind == "points"))  # fmt: skip

    naive_result = bare(app, "owner", naive, repeat)
    balances = iter(chosen * 3)
    alone = bare(app, "owner", lambda user: ledger.balance_of("employee", next(balances)), repeat)
    report("balance, kept (bare)", alone, BALANCE_TARGET_MS, naive_result)
    speedup = min(naive_result[p] / max(alone[p], 1e-6) for p in ("p50", "p95"))
    print(f"balance vs the naive SUM: {naive_result['p50'] / alone['p50']:.0f}× at p50, "
          f"{naive_result['p95'] / alone['p95']:.0f}× at p95   target ≥ {BALANCE_SPEEDUP}× "
          f"{'OK' if speedup >= BALANCE_SPEEDUP else 'MISSED'}", flush=True)  # fmt: skip
    kept_result = bare(app, "owner", kept, repeat)
    report("balance + first history page, kept (bare)", kept_result, BALANCE_TARGET_MS, naive_result)
    pages = iter(chosen * 3)
    record("points page of an employee (owner)",
           measure(lambda: client.get(f"/admin/points/?employee={next(pages)}"), repeat), BALANCE_TARGET_MS)  # fmt: skip


def bench_import(app, rows):
    """A 100,000-row XLSX through the dry run and the run, as the owner, timed whole."""
    from openpyxl import Workbook
    from werkzeug.datastructures import FileStorage

    from extensions import db
    from models.clients import ClientImport
    from models.platform.user import User
    from services.clients.imports import fields, runs
    from services.platform import uploads

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["ID", "Name", "Phone", "Stage", "Paid", "Points"])
    run_tag = random.randrange(10, 100)  # new ids and phones each run: a kept database imports them anew
    for n in range(rows):
        sheet.append([f"IMP-{run_tag}-{n}", f"Імпорт Клієнт {n}", f"+38093{run_tag}{n:05d}", "contacted", "1200", "10"])
    out = io.BytesIO()
    book.save(out)
    with app.test_request_context("/"):
        owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
        stored = uploads.store(FileStorage(io.BytesIO(out.getvalue()), "history.xlsx"), owner,
                               {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"})  # fmt: skip
        run = ClientImport(file_id=stored.id, created_by_id=owner.id, status="checking")
        db.session.add(run)
        db.session.flush()
        header, _rows = runs.table(run)
        run.mapping = fields.guess(header)
        db.session.commit()
        start = time.perf_counter()
        runs.dry_run(run)
        db.session.commit()
        checked = time.perf_counter() - start
        start = time.perf_counter()
        applied = runs.apply(run, owner)
        db.session.commit()
        done = time.perf_counter() - start
        db.session.remove()
    target = "OK" if checked + done <= 60 else "MISSED"
    print(f"import of {rows:,} XLSX rows: dry run {checked:.1f} s, run {done:.1f} s ({applied:,} applied), "
          f"total {checked + done:.1f} s   target ≤ 60 s {target}", flush=True)  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--only", help=f"some of {','.join(PARTS)}, comma-separated (default: all)")
    args = parser.parse_args()
    parts = set((args.only or ",".join(PARTS)).split(","))
    machine_note()
    with open_bench(args) as (app, _url):
        with app.app_context():
            from extensions import db
            from models.platform.user import User

            supervisor = db.session.scalar(
                sa.select(User.username).where(User.username.like("supervisor%")).order_by(User.id)
            )
            db.session.remove()
        stages = working_stages(app)
        cases = list_cases(app)
        for username in ("owner", supervisor):
            client = login(app, username)
            if "board" in parts:
                bench_board(app, client, stages, args.repeat)
            if "page" in parts:
                bench_client_page(app, client, args.repeat)
            if "lists" in parts:
                bench_lists(app, client, cases, args.repeat)
        if "moves" in parts:
            bench_moves(app, login(app, supervisor), args.repeat)
        if "balance" in parts:
            bench_balance(app, login(app, "owner"), args.repeat)
        if "import" in parts and args.import_rows:
            bench_import(app, args.import_rows)


if __name__ == "__main__":
    main()
