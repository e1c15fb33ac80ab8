"""Benchmark: server time of the cards pages on 1,000,000 archived + 100,000 active cards.

Every figure is a full request through the Flask test client (routing, sign-in session, access
policy, queries, templates, JSON), signed in through the real form as the owner (sees all) and as
a manager (scoped to himself and his agents):

- the task tracker page (9 columns of 50 tasks + counts + filter lists), target p95 ≤ 50 ms;
- one column page (JSON, the stages in turn), target p95 ≤ 50 ms;
- a move: the modal's POST moving a real card one stage forward with valid values
  (`seeds.demo_cards.sample_values`), commit, realtime event included, target p95 ≤ 50 ms;
- each archive filter, target p95 ≤ 100 ms and ≥ 20× faster than the baseline: the same filter
  through a stock `flask_admin.contrib.sqla.ModelView(Card)` (its COUNT(*) and OFFSET paging),
  registered under /admin/stock-cards/ in this process only and timed in the same run — its first
  page, and for the filters matching over 10,020 cards also its page 500 (rows 10,001+) beside our
  keyset page after the 10,000th row;
- the tracker page again after 1,000 more moves since the last VACUUM (--churn).

    PYTHONPATH=. .venv/bin/python bench/cards_pages.py                    # generate full size, run, drop
    PYTHONPATH=. .venv/bin/python bench/cards_pages.py --scale 0.01       # quick run
    PYTHONPATH=. .venv/bin/python bench/generate_cards.py --keep          # once, then repeatedly:
    PYTHONPATH=. .venv/bin/python bench/cards_pages.py --database-url postgresql+psycopg://…/kartoteka_bench_…

It prints measured figures beside the targets; nothing here asserts on time.
"""

import argparse
import random
import re
import statistics
import time

import sqlalchemy as sa

from bench.card_data import PASSWORD
from bench.common import report
from bench.generate_cards import add_arguments, machine_note, open_bench
from bench.stock_archive import DEEP_ROWS, archive_cases, deep_after, register_stock_view

PAGE_TARGET_MS = 50
MOVE_TARGET_MS = 50
ARCHIVE_TARGET_MS = 100
ARCHIVE_SPEEDUP = 20
SCOPED_MANAGER = "manager01"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')

results = []


def percentiles(samples):
    samples = sorted(samples)
    return {"p50": statistics.median(samples), "p95": samples[max(int(len(samples) * 0.95) - 1, 0)], "n": len(samples)}


def record(name, samples, target_ms=None, baseline=None, speedup=None):
    result = percentiles(samples)
    report(name, result, target_ms, baseline)
    results.append((name, result, target_ms, baseline, speedup))
    return result


def measure(call, repeat, warmup=3):
    """Milliseconds of `call()` (which returns (prepare-free) response); fails loudly on an error page."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{response.request.path}: HTTP {response.status_code}\n{response.text[:500]}")
    return samples


def login(app, username):
    client = app.test_client()
    page = client.get("/login")
    token = CSRF_FIELD.search(page.text).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"cannot sign in as {username}: HTTP {response.status_code}")
    client.csrf = CSRF_META.search(client.get("/admin/tracker/").text).group(1)
    client.username = username
    return client


def bench_tracker(client, stage_ids, repeat):
    who = client.username
    record(f"tracker page ({who})", measure(lambda: client.get("/admin/tracker/"), repeat), PAGE_TARGET_MS)
    stages = iter(stage_ids * repeat)
    record(
        f"column page, JSON ({who})",
        measure(lambda: client.get(f"/admin/tracker/column/{next(stages)}"), repeat * 2, warmup=len(stage_ids)),
        PAGE_TARGET_MS,
    )
    # The second page of the biggest column, by the keyset cursor the first one hands out.
    biggest = stage_ids[2]
    cursor = client.get(f"/admin/tracker/column/{biggest}").json["next"]
    record(
        f"column page 2 by cursor, JSON ({who})",
        measure(lambda: client.get(f"/admin/tracker/column/{biggest}", query_string={"after": cursor}), repeat),
        PAGE_TARGET_MS,
    )


def _movable_cards(user_id, scoped):
    """Active cards the user may move: any for the owner; his and his agents' tasks for a manager."""
    from extensions import db
    from models.platform.user import User
    from services.platform import access

    if not scoped:
        query = (
            "SELECT c.id FROM cards c JOIN stages s ON s.id = c.stage_id WHERE NOT s.is_final AND c.deleted_at IS NULL"
        )
        return list(db.session.scalars(sa.text(query)))
    user = db.session.get(User, user_id)
    people = [user.id, *access.subordinate_set(user)]
    query = """
        SELECT c.id FROM stage_tasks t JOIN cards c ON c.id = t.subject_id AND t.subject_type = 'card'
        WHERE t.closed_at IS NULL AND t.assignee_id = ANY(:people) AND c.deleted_at IS NULL
          AND (c.agent_id = ANY(:people) OR c.manager_id = ANY(:people))
    """
    return list(db.session.scalars(sa.text(query), {"people": people}))


def churn(app, client, count):
    """`count` more moves, untimed: a board some hours after the last VACUUM (visibility map of the
    moved cards' pages cleared, so index-only scans visit the heap for them)."""
    with app.app_context():
        from extensions import db
        from models.platform.user import User

        owner_id = db.session.scalar(sa.select(User.id).where(User.username == client.username))
        candidates = _movable_cards(owner_id, scoped=False)
    done = 0
    for card_id in random.Random(count).sample(candidates, count):
        response = client.post(
            f"/admin/tracker/{card_id}/move",
            data=_move_form(app, card_id, client.csrf),
            headers={"X-CSRFToken": client.csrf},
        )
        done += response.status_code == 200
    with app.app_context():
        from extensions import db

        dead = db.session.execute(
            sa.text("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'cards'")
        ).scalar()
    print(f"churn: {done} more moves; dead card rows since the last VACUUM: {dead}", flush=True)


def _move_form(app, card_id, csrf):
    from extensions import db
    from models.cards.card import Card
    from seeds.demo_cards import sample_values

    with app.app_context():
        card = db.session.get(Card, card_id)
        data = {f"field.{name}": value for name, value in sample_values(card.stage).items()}
        data.update(to_stage=card.stage.allowed_targets[0].id, version=card.version, csrf_token=csrf)
    return data


def bench_moves(app, client, repeat, scoped):
    from extensions import db
    from models.platform.user import User

    # Requests run outside any app context of ours, so each gets its own (session, g, user).
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == client.username))
        candidates = _movable_cards(user_id, scoped)
    picks = random.Random(repeat).sample(candidates, repeat + 3)
    samples, refused = [], 0
    for index, card_id in enumerate(picks):
        data = _move_form(app, card_id, client.csrf)
        start = time.perf_counter()
        response = client.post(f"/admin/tracker/{card_id}/move", data=data, headers={"X-CSRFToken": client.csrf})
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200 or not response.json.get("ok"):
            refused += 1
            print(f"  move of card {card_id} refused: {response.status_code} {response.text[:200]}", flush=True)
        elif index >= 3:  # the first three warm up
            samples.append(elapsed)
    label = f"move one stage forward, POST ({client.username})"
    record(label, samples, MOVE_TARGET_MS)
    if refused:
        print(f"  {refused} moves refused", flush=True)


def bench_archive(app, owner, manager, view, repeat, stock_repeat):
    print(f"stock Flask-Admin baseline: {view.__class__.__mro__[1].__module__}.ModelView(Card), page size "
          f"{view.page_size}, COUNT(*) + OFFSET", flush=True)  # fmt: skip
    deep = []
    for label, ours, stock, count, condition, params in archive_cases(app, view):
        print(f"  {label}: {count:,} archived cards match", flush=True)
        stock_samples = measure(lambda stock=stock: owner.get("/admin/stock-cards/", query_string=stock), stock_repeat)
        baseline = percentiles(stock_samples)
        report(f"  stock ModelView, {label}", baseline)
        ours = {"tab": "archive", **ours}
        samples = measure(lambda ours=ours: owner.get("/admin/cards/", query_string=ours), repeat)
        record(f"archive: {label} (owner)", samples, ARCHIVE_TARGET_MS, baseline, ARCHIVE_SPEEDUP)
        samples = measure(lambda ours=ours: manager.get("/admin/cards/", query_string=ours), repeat)
        record(f"archive: {label} ({manager.username})", samples, ARCHIVE_TARGET_MS)
        if count > DEEP_ROWS + view.page_size:
            deep.append((label, ours, stock, condition, params))
    # Deep in the list: the stock page 500 (COUNT(*) and OFFSET 10,000) against our keyset page after
    # the 10,000th row, the same filter.
    for label, ours, stock, condition, params in deep:
        stock = {**stock, "page": DEEP_ROWS // view.page_size}
        baseline = percentiles(
            measure(lambda stock=stock: owner.get("/admin/stock-cards/", query_string=stock), stock_repeat)
        )
        report(f"  stock ModelView, {label}, page {DEEP_ROWS // view.page_size}", baseline)
        ours = {**ours, "after": deep_after(app, condition, params)}
        samples = measure(lambda ours=ours: owner.get("/admin/cards/", query_string=ours), repeat)
        record(
            f"archive: {label}, rows {DEEP_ROWS + 1:,}+ by keyset (owner)",
            samples,
            ARCHIVE_TARGET_MS,
            baseline,
            ARCHIVE_SPEEDUP,
        )


def print_markdown():
    print("\n| measured | n | p50 ms | p95 ms | target p95 | baseline p95 | result |")
    print("|---|---:|---:|---:|---|---:|---|")
    for name, result, target, baseline, speedup in results:
        verdict = []
        if target is not None:
            verdict.append("met" if result["p95"] <= target else "MISSED")
        base = ""
        if baseline is not None:
            ratio = baseline["p95"] / max(result["p95"], 1e-6)
            base = f"{baseline['p95']:.0f} ({ratio:.0f}×)"
            if speedup:
                verdict.append(f"≥{speedup}× {'met' if ratio >= speedup else 'MISSED'}")
        print(
            f"| {name} | {result['n']} | {result['p50']:.1f} | {result['p95']:.1f} | "
            f"{'≤ ' + str(target) + ' ms' if target else ''} | {base} | {', '.join(verdict)} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=100, help="requests per page figure")
    parser.add_argument("--moves", type=int, default=100, help="moves per signed-in user")
    parser.add_argument("--stock-repeat", type=int, default=20, help="requests per stock Flask-Admin figure")
    parser.add_argument("--churn", type=int, default=1000, help="moves before measuring the tracker again (0: skip)")
    args = parser.parse_args()
    machine_note()
    with open_bench(args) as (app, _url):
        from services.cards.board import cards_pipeline

        stock_view = register_stock_view(app)  # before the first request
        with app.app_context():
            stage_ids = [s.id for s in cards_pipeline().stages if not s.is_final]
        owner = login(app, "owner")
        manager = login(app, SCOPED_MANAGER)
        for client in (owner, manager):
            bench_tracker(client, stage_ids, args.repeat)
        bench_archive(app, owner, manager, stock_view, args.repeat, args.stock_repeat)
        for client, scoped in ((owner, False), (manager, True)):
            bench_moves(app, client, args.moves, scoped)
        if args.churn:
            churn(app, owner, args.churn)
            for client in (owner, manager):
                record(
                    f"tracker page ({client.username}), after the churn",
                    measure(lambda client=client: client.get("/admin/tracker/"), args.repeat),
                    PAGE_TARGET_MS,
                )
        machine_note()
        print_markdown()


if __name__ == "__main__":
    main()
