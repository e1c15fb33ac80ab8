"""Benchmark: salaries over the clients' data (bench/generate_clients.py: 2,025 people, 20,000,000
ledger entries, 2,000,000 invoices — paid here over the last 60 days — and 10,000,000 events), each
figure beside a naive per-employee recomputation measured in the same run:

- every employee's salary and forecast for the open period, as the background job computes them:
  target ≤ 30 s; baseline: one person at a time (services.salary.salaries.of_person and his forecast
  for each), timed over a sample and carried to everyone;
- one employee's "my salary" page (HTTP, signed in as him): target p95 ≤ 50 ms; baseline: the
  person's figures computed alone, bare;
- a department head's team table (HTTP, ~100 people): target p95 ≤ 100 ms; baseline: his people's
  salaries computed one person at a time, bare;
- the owner's table of everyone, read from the job's last run (no target; baseline: everyone's
  computed live, the reason the wide tables read the job's figures).

    PYTHONPATH=. .venv/bin/python bench/generate_clients.py --keep            # once (~6 min), then:
    PYTHONPATH=. .venv/bin/python bench/salary_pages.py --database-url postgresql+psycopg://…
    PYTHONPATH=. .venv/bin/python bench/salary_pages.py --scale 0.01          # quick: generate, run, drop

It prints measured figures beside the targets; nothing here asserts on time."""

import argparse
import random
import time

import sqlalchemy as sa

from bench.cards_pages import measure, percentiles, record
from bench.clients_pages import login
from bench.generate_cards import machine_note
from bench.generate_clients import add_arguments, open_bench

JOB_TARGET_S, PAGE_TARGET_MS, TEAM_TARGET_MS = 30, 50, 100
NAIVE_SAMPLE = 100

PAYMENTS_SQL = """
INSERT INTO invoice_payments (invoice_id, kind, amount, paid_on, method, note, created_at)
SELECT i.id, 'payment', i.total, CAST(timezone('UTC', now()) AS date) - (i.id % 60), 'bench', '', timezone('UTC', now())
FROM invoices i WHERE i.status = 'paid' AND NOT EXISTS (SELECT 1 FROM invoice_payments)
"""


def prepare(app):
    """The data's payments (once), today's period and a salary plan for every position (seeded)."""
    from extensions import db
    from services.platform.timezones import today_local, user_zone
    from services.salary import periods

    with app.app_context():
        started = time.perf_counter()
        for setting in ("statement_timeout = 0", "session_replication_role = replica"):
            db.session.execute(sa.text(f"SET LOCAL {setting}"))
        result = db.session.execute(sa.text(PAYMENTS_SQL))
        if result.rowcount:
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
                auto.execute(sa.text("VACUUM ANALYZE invoice_payments"))
            print(f"payments: {result.rowcount:,}, {time.perf_counter() - started:.1f} s", flush=True)
        with app.test_request_context("/"):
            period = periods.ensure(today_local(user_zone()))
            db.session.commit()
            period_id = period.id
        db.session.remove()
    return period_id


def _people(app, prefix):
    from extensions import db
    from models.platform.user import User

    with app.app_context():
        found = list(db.session.execute(sa.select(User.id, User.username).where(User.username.like(f"{prefix}%"))
                                        .order_by(User.id)))  # fmt: skip
        db.session.remove()
    return found


def _in_request(app, call):
    from extensions import db

    with app.test_request_context("/"):
        try:
            return call()
        finally:
            db.session.remove()


def bench_job(app, period_id):
    from extensions import db
    from jobs import salary as salary_jobs
    from models.salary import SalaryPeriod
    from services.platform.timezones import now_utc
    from services.salary import closing, forecast, salaries

    def everyone():
        period = db.session.get(SalaryPeriod, period_id)
        return salary_jobs.estimate_salaries(period.starts_on)

    started = time.perf_counter()
    count = _in_request(app, everyone)
    ours = time.perf_counter() - started

    def naive():
        period = db.session.get(SalaryPeriod, period_id)
        people = closing.people_paid()
        sample = random.Random(5).sample(people, min(NAIVE_SAMPLE, len(people)))
        zones = {}
        start = time.perf_counter()
        for user_id in sample:
            salary = salaries.of_person(user_id, period)
            zones.setdefault(user_id, "Europe/Kyiv")
            forecast.forecast(salary, period, zones[user_id], now_utc())
        return (time.perf_counter() - start) * len(people) / len(sample), len(people)

    baseline, everyone_count = _in_request(app, naive)
    line = f"every salary and forecast ({count:,} people){'':<8} {ours:8.1f} s   target ≤ {JOB_TARGET_S} s "
    line += f"{'OK' if ours <= JOB_TARGET_S else 'MISSED'}   baseline {baseline:.1f} s ({baseline / ours:.1f}×; "
    line += f"one person at a time, {NAIVE_SAMPLE} of {everyone_count:,} timed)"
    print(line, flush=True)


def bench_my_page(app, period_id, repeat):
    from services.platform.timezones import now_utc
    from services.salary import forecast, salaries

    people = _people(app, "employee")
    picks = random.Random(7).sample(people, min(repeat, len(people)))
    clients = [(login(app, username), user_id) for user_id, username in picks[:5]]
    turn = iter(clients * (repeat * 2))

    def page():
        client, _user_id = next(turn)
        return client.get(f"/admin/salary/?period={period_id}")

    from extensions import db
    from models.salary import SalaryPeriod

    def bare_person(user_id):
        period = db.session.get(SalaryPeriod, period_id)
        salary = salaries.of_person(user_id, period)
        forecast.forecast(salary, period, "Europe/Kyiv", now_utc())
        forecast.next_steps(salary)

    samples = []
    for user_id, _name in picks:
        start = time.perf_counter()
        _in_request(app, lambda u=user_id: bare_person(u))
        samples.append((time.perf_counter() - start) * 1000)
    record("an employee's salary page", measure(page, repeat), PAGE_TARGET_MS, percentiles(samples))


def bench_team(app, period_id, repeat):
    from extensions import db
    from models.platform.user import User
    from models.salary import SalaryPeriod
    from services.salary import salaries, team

    heads = _people(app, "depthead")
    user_id, username = heads[0]
    client = login(app, username)

    def naive():
        viewer = db.session.get(User, user_id)
        period = db.session.get(SalaryPeriod, period_id)
        for person in team.team_ids(viewer):
            salaries.of_person(person, period)

    samples = []
    for _ in range(max(3, repeat // 5)):
        start = time.perf_counter()
        _in_request(app, naive)
        samples.append((time.perf_counter() - start) * 1000)
    size = _in_request(app, lambda: len(team.team_ids(db.session.get(User, user_id))))
    record(f"a department head's team table ({size} people)",
           measure(lambda: client.get(f"/admin/salary/team/?period={period_id}"), repeat), TEAM_TARGET_MS,
           percentiles(samples))  # fmt: skip


def bench_owner_table(app, period_id, repeat):
    """The owner's table of everyone (HTTP) reads the job's last run; the baseline is the same page
    computing everyone live (as a table of up to team.LIVE_ROWS people does)."""
    from services.salary import team

    client = login(app, "owner")
    url = f"/admin/salary/team/?period={period_id}"
    kept = team.LIVE_ROWS
    team.LIVE_ROWS = 10**6
    try:
        live = percentiles(measure(lambda: client.get(url), 5, warmup=1))
    finally:
        team.LIVE_ROWS = kept
    record("the owner's team table (everyone, the job's figures)", measure(lambda: client.get(url), max(5, repeat // 3)),
           None, live)  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", help="some of job,page,team, comma-separated (default: all)")
    args = parser.parse_args()
    parts = set((args.only or "job,page,team").split(","))
    machine_note()
    with open_bench(args) as (app, _url):
        period_id = prepare(app)
        if "page" in parts:
            bench_my_page(app, period_id, args.repeat)
        if "team" in parts:
            bench_team(app, period_id, args.repeat)
        if "job" in parts:
            bench_job(app, period_id)
            bench_owner_table(app, period_id, args.repeat)


if __name__ == "__main__":
    main()
