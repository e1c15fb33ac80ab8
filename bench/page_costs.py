"""What one request of each page of the load test's mix costs, in process: wall and CPU time and the
number of SQL statements, for one signed-in user on a kept database; and the cards section's first
tab, the longest page of the panel (up to 1,000 rows).

    PYTHONPATH=. .venv/bin/python bench/page_costs.py --database-url postgresql+psycopg://…/kartoteka_bench_… \\
        [--user manager01] [--repeat 40] 2>/dev/null

To compare two versions of the code on the same data, run it from two checkouts in turn
(`git worktree add /tmp/before <commit>`, then `PYTHONPATH=/tmp/before … /tmp/before/bench/page_costs.py`),
twice each, alternating: the machine's speed drifts between runs.
"""

import argparse
import time

import sqlalchemy as sa

from bench.cards_pages import login
from bench.generate_cards import bench_app


def pages(client, stage_ids, card_id):
    return {
        "tracker": lambda: client.get("/admin/tracker/"),
        "column (JSON)": lambda: client.get(f"/admin/tracker/column/{stage_ids[2]}"),
        "counts (JSON)": lambda: client.get("/admin/tracker/counts"),
        "card details": lambda: client.get("/admin/cards/details/", query_string={"id": card_id}),
        "card edit": lambda: client.get("/admin/cards/edit/", query_string={"id": card_id}),
        "archive, bank": lambda: client.get("/admin/cards/", query_string={"tab": "archive", "bank": 3}),
        "archive, contact": lambda: client.get("/admin/cards/", query_string={"tab": "archive", "contact": "Ткачук"}),
        "tasks, incoming": lambda: client.get("/admin/tasks/", query_string={"tab": "incoming"}),
        "auto-tasks": lambda: client.get("/admin/tasks/auto/"),
        "/healthz, signed in": lambda: client.get("/healthz"),
        "cards tab, new": lambda: client.get("/admin/cards/", query_string={"tab": "new"}),
    }


def measure(app, call, repeat):
    from extensions import db

    for _ in range(3):
        response = call()
    if response.status_code not in (200, 302):
        return None
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    call()
    sa.event.remove(engine, "before_cursor_execute", count)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        call()
    return (
        (time.perf_counter() - wall) / repeat * 1000,
        (time.process_time() - cpu) / repeat * 1000,
        len(statements),
        len(response.data),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database kept by generate_cards.py --keep")
    parser.add_argument("--user", default="manager01")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    client = login(app, args.user)
    with app.app_context():
        from services.cards.board import cards_pipeline

        stage_ids = [s.id for s in cards_pipeline().stages if not s.is_final]
    card_id = client.get(f"/admin/tracker/column/{stage_ids[2]}").json["rows"][0]["subject_id"]
    print(f"{'page':<22} {'wall ms':>8} {'CPU ms':>8} {'SQL':>4} {'bytes':>8}   ({args.user}, {args.repeat} requests)")
    for name, call in pages(client, stage_ids, card_id).items():
        result = measure(app, call, args.repeat)
        if result is None:
            print(f"{name:<22} refused for this user")
            continue
        wall, cpu, statements, size = result
        print(f"{name:<22} {wall:8.1f} {cpu:8.1f} {statements:4d} {size:8d}", flush=True)


if __name__ == "__main__":
    main()
