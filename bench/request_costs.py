"""CPU of one request of each page of the load test's mix through a running cluster (`make cluster`),
nginx and gunicorn included: the web processes' and PostgreSQL's CPU time over N requests of one
signed-in user, one page after another, nothing else running.

    flock /tmp/kartoteka-bench.lock env PYTHONPATH=. .venv/bin/python bench/request_costs.py \\
        --database-url postgresql+psycopg://…/kartoteka_bench_… [--user manager01] [--repeat 60]

The database URL is read only to pick a card and a stage; the requests go through --url.
"""

import argparse
import time
from pathlib import Path

import sqlalchemy as sa

from bench.load_clients import CSRF_FIELD
from bench.load_test import RUN_DIR, cpu_by_kind


def pages(engine, http, url):
    """The pages to measure; the card is the first of a column this user sees."""
    with engine.connect() as connection:
        stage_id = connection.scalar(
            sa.text(
                "SELECT s.id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id"
                " WHERE p.code = 'cards' AND NOT s.is_final ORDER BY s.position OFFSET 2 LIMIT 1"
            )
        )
        bank_id = connection.scalar(sa.text("SELECT min(id) FROM banks"))
        last_agent = connection.scalar(
            sa.text("SELECT max(u.id) FROM users u JOIN roles r ON r.id = u.role_id WHERE r.code = 'agent'")
        )
    rows = http.get(f"{url}/admin/tracker/column/{stage_id}").json()["rows"]
    return {
        "/healthz, signed in": "/healthz",
        "tracker": "/admin/tracker/",
        "column (JSON)": f"/admin/tracker/column/{stage_id}",
        "counts (JSON)": "/admin/tracker/counts",
        "card details": f"/admin/cards/details/?id={rows[0]['subject_id']}" if rows else None,
        "archive, bank": f"/admin/cards/?tab=archive&bank={bank_id}",
        "archive, contact": "/admin/cards/?tab=archive&contact=Ткачук",
        "archive, last agent": f"/admin/cards/?tab=archive&agent={last_agent}",
        "tasks, incoming": "/admin/tasks/?tab=incoming",
        "auto-tasks": "/admin/tasks/auto/",
    }


def main():
    import requests

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--user", default="manager01")
    parser.add_argument("--password", default="bench-password")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--run-dir", default=str(RUN_DIR), help="the cluster's run dir (pid files)")
    args = parser.parse_args()
    run_dir = Path(args.run_dir)
    http = requests.Session()
    token = CSRF_FIELD.search(http.get(f"{args.url}/login").text).group(1)
    form = {"username": args.user, "password": args.password, "csrf_token": token}
    if http.post(f"{args.url}/login", data=form, allow_redirects=False).status_code != 302:
        raise SystemExit(f"cannot sign in as {args.user}")
    engine = sa.create_engine(args.database_url)
    paths = pages(engine, http, args.url)
    engine.dispose()
    print(
        f"{'page':<22} {'status':>6} {'wall ms':>8} {'web CPU':>8} {'PG CPU':>8}   ({args.user}, {args.repeat} requests)"
    )
    for name, path in paths.items():
        if path is None:
            print(f"{name:<22} nothing of his to open")
            continue
        for _ in range(3):
            http.get(f"{args.url}{path}")
        before, started = cpu_by_kind(run_dir), time.perf_counter()
        for _ in range(args.repeat):
            status = http.get(f"{args.url}{path}").status_code
        wall, after = time.perf_counter() - started, cpu_by_kind(run_dir)
        web, postgres = ((after[k] - before[k]) / args.repeat * 1000 for k in ("web", "postgres"))
        print(f"{name:<22} {status:>6} {wall / args.repeat * 1000:8.1f} {web:8.2f} {postgres:8.2f}", flush=True)


if __name__ == "__main__":
    main()
