"""Generator: 1,000,000 archived cards, 100,000 active cards spread over the stages, and every
card's stage-task history, written by server-side SQL (INSERT … SELECT generate_series).

People: an owner, an administrator, 6 accountants, 10 managers under 2 office heads and 50 agents
under the managers (memberships placed through `services.hierarchy.place`, so paths are right).
Directories: 15 banks and 40 suppliers with skewed use. Contacts: 40 first names × 360 surnames
and random Ukrainian mobile numbers, so a substring filter is selective.

History: every archived card has 9 closed stage tasks (one per stage it went through); an active
card has a closed task for each earlier stage and one open task on its stage, whose deadline is
spread around now (about a quarter overdue). 2% of cards name their own person for the work-off
stage (card_responsibles), and that person holds that stage's task.

    PYTHONPATH=. .venv/bin/python bench/generate_cards.py                 # full size, then drop
    PYTHONPATH=. .venv/bin/python bench/generate_cards.py --scale 0.01    # 10,000 + 1,000 cards
    PYTHONPATH=. .venv/bin/python bench/generate_cards.py --keep          # keep it; prints the URL
    (BENCH_DATABASE_URL defaults to postgresql+psycopg://postgres@127.0.0.1:5432/test)

`open_bench(args)` is what the benchmarks use: a generated database (or `--database-url` of a kept
one), the app built on it, and the drop at the end unless `--keep`.
"""

import argparse
import json
import os
import time
from contextlib import contextmanager

import sqlalchemy as sa

ARCHIVED = 1_000_000
ACTIVE = 100_000
PASSWORD = "bench-password"
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# How many active cards sit on each non-final stage, relative to each other.
STAGE_WEIGHTS = [8, 6, 22, 6, 6, 20, 8, 18, 6]
RESPONSIBLE_SHARE = 0.02
DELETED_SHARE = 0.003

FIRST_NAMES = [
    "Іван", "Петро", "Сергій", "Олег", "Андрій", "Микола", "Василь", "Дмитро", "Тарас", "Богдан", "Юрій",
    "Олександр", "Максим", "Роман", "Віктор", "Ігор", "Павло", "Степан", "Федір", "Артем", "Оксана", "Олена",
    "Ірина", "Наталія", "Тетяна", "Світлана", "Юлія", "Марія", "Анна", "Галина", "Людмила", "Катерина", "Ольга",
    "Леся", "Вікторія", "Софія", "Дарина", "Христина", "Зоряна", "Надія"
]  # fmt: skip
SURNAME_ROOTS = [
    "Петр", "Коваль", "Шевч", "Бонд", "Ткач", "Кравч", "Олійн", "Мельн", "Бойч", "Лисен", "Савч", "Марч", "Руд",
    "Гнат", "Остап", "Левч", "Павл", "Харч", "Сем", "Мирон", "Тар", "Кост", "Дмитр", "Гриц", "Яким", "Федор",
    "Карп", "Мус", "Луц", "Онищ", "Прок", "Степан", "Юрч", "Хом", "Дан", "Васил", "Гав", "Зінч", "Кир", "Мороз",
    "Баб", "Гонч", "Демч", "Євт", "Жук", "Заїч", "Іван", "Клим", "Литв", "Мак", "Нест", "Охр", "Панч", "Рим",
    "Сид", "Тимош", "Устим", "Фесь", "Хар", "Циб"
]  # fmt: skip
SURNAME_ENDINGS = ["енко", "ук", "чук", "ишин", "ів", "ко"]
OPERATORS = ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]
BANKS = [
    "ПриватБанк", "Монобанк", "ПУМБ", "Ощадбанк", "Райффайзен Банк", "Укрсиббанк", "А-Банк", "Sense Bank",
    "ОТП Банк", "Укргазбанк", "Кредобанк", "Ідея Банк", "Глобус", "Таскомбанк", "Банк Восток",
]  # fmt: skip


def _log(message):
    print(message, flush=True)


def surnames():
    return [root + ending for root in SURNAME_ROOTS for ending in SURNAME_ENDINGS]


def _people():
    """Users, offices and memberships through the app's own services (70 rows, ORM is fine)."""
    from sqlalchemy import select

    from extensions import db
    from models.directory import Bank, Contractor
    from models.org import Department, Membership, Office, Position
    from models.user import Role
    from services import hierarchy, staff

    roles = {r.code: r for r in db.session.scalars(select(Role))}
    positions = {p.code: p for p in db.session.scalars(select(Position))}

    def person(username, full_name, role):
        user = staff.create(username, PASSWORD, full_name=full_name, role=roles.get(role))
        db.session.add(user)
        return user

    def member(user, office, department, position, parent):
        membership = Membership(user=user, office=office, department=department, position=positions[position])
        db.session.add(membership)
        db.session.flush()
        hierarchy.place(membership, parent)
        return membership

    owner = person("owner", "Олена Власенко", "owner")
    person("admin", "Андрій Адмін", "administrator")
    offices = [Office(name=name, city=name) for name in ("Київ", "Львів")]
    db.session.add_all(offices)
    db.session.flush()
    sales = [Department(office=o, name="Продажі", kind="sales") for o in offices]
    back = [Department(office=o, name="Бек-офіс", kind="back_office") for o in offices]
    db.session.add_all(sales + back)
    db.session.flush()
    accountants = []
    for i in range(6):
        user = person(f"accountant{i + 1:02d}", f"Бухгалтер {i + 1}", "accountant")
        accountants.append(user)
        member(user, offices[i % 2], back[i % 2], "employee", None)
    heads = []
    for i, office in enumerate(offices):
        head = person(f"head{i + 1}", f"Керівник офісу {office.name}", None)
        heads.append(member(head, office, None, "office_head", None))
    managers, agents, agent_managers = [], [], []
    # 50 agents under 10 managers, unevenly (3 to 7 each).
    team_sizes = [7, 6, 6, 5, 5, 5, 4, 4, 4, 4]
    for i, size in enumerate(team_sizes):
        office = i % 2
        manager = person(f"manager{i + 1:02d}", f"Менеджер {i + 1}", "manager")
        managers.append(manager)
        manager_place = member(manager, offices[office], sales[office], "head_of_department", heads[office])
        for j in range(size):
            agent = person(f"agent{len(agents) + 1:02d}", f"Агент {len(agents) + 1} ({i + 1}.{j + 1})", "agent")
            agents.append(agent)
            agent_managers.append(manager)
            member(agent, offices[office], sales[office], "employee", manager_place)
    banks = [Bank(name=name, code=f"{300000 + i * 1117}") for i, name in enumerate(BANKS)]
    suppliers = [Contractor(name=f"Постачальник {i + 1:02d}", phone=f"+38067{i:07d}") for i in range(40)]
    db.session.add_all(banks + suppliers)
    db.session.commit()
    return {
        "owner": owner.id,
        "agents": [u.id for u in agents],
        "agent_managers": [u.id for u in agent_managers],
        "managers": [u.id for u in managers],
        "accountants": [u.id for u in accountants],
        "banks": [b.id for b in banks],
        "suppliers": [c.id for c in suppliers],
    }


def _stage_rows(board):
    """One row per non-final stage: position, id, role, deadline days, next stage, values template."""
    from seeds.demo_cards import sample_values

    rows = []
    for stage in board.stages:
        if stage.is_final:
            continue
        values = sample_values(stage)
        for spec in stage.fields:
            if spec.type == "date":
                values[spec.name] = "__DATE__"
        rows.append(
            {
                "pos": stage.position,
                "id": stage.id,
                "role": stage.responsible_role,
                "days": stage.deadline_days,
                "next_id": stage.allowed_targets[0].id,
                "tpl": json.dumps(values, ensure_ascii=False),
            }
        )
    return rows


CARDS_SQL = """
INSERT INTO cards (id, number, contact_name, contact_phone, bank_id, contractor_id, agent_id, manager_id,
                   accountant_id, pipeline_id, stage_id, bucket, stage_entered_at, bank_answer_date,
                   created_at, updated_at, created_by_id, updated_by_id, deleted_at, version)
SELECT g,
       '5168 ' || substr(digits, 1, 4) || ' **** ' || substr(digits, 5, 4),
       (CAST(:first AS text[]))[1 + floor(r_first * :n_first)::int] || ' '
           || (CAST(:last AS text[]))[1 + floor(r_last * :n_last)::int],
       '+380' || (CAST(:ops AS text[]))[1 + floor(r_op * :n_ops)::int] || lpad(floor(r_phone * 10000000)::int::text, 7, '0'),
       (CAST(:banks AS int[]))[1 + floor(power(r_bank, 2) * :n_banks)::int],
       (CAST(:suppliers AS int[]))[1 + floor(power(r_supplier, 1.5) * :n_suppliers)::int],
       (CAST(:agents AS int[]))[agent_index],
       (CAST(:agent_managers AS int[]))[agent_index],
       (CAST(:accountants AS int[]))[1 + floor(r_accountant * :n_accountants)::int],
       :pipeline_id,
       (CAST(:stage_ids AS int[]))[stage_index],
       (CAST(:stage_buckets AS text[]))[stage_index],
       entered,
       CASE WHEN stage_index = :final_index AND r_answer < 0.8 THEN (created + (entered - created) * 0.8)::date END,
       created, entered, :owner, :owner,
       CASE WHEN stage_index = :final_index AND r_deleted < :deleted_share THEN entered + interval '1 day' END,
       stage_index
FROM (
    -- Unique 8 digits per card, not in id order (g ↦ 7919·g + 12345 mod 10⁸ is one-to-one).
    SELECT g, lpad(((g::bigint * 7919 + 12345) % 100000000)::text, 8, '0') AS digits,
           r_first, r_last, r_op, r_phone, r_bank, r_supplier, r_accountant, r_answer, r_deleted,
           1 + floor(power(r_agent, 1.3) * :n_agents)::int AS agent_index, stage_index,
           CASE WHEN stage_index = :final_index
                THEN timezone('UTC', now()) - interval '40 days' - r_age * interval '1000 days'
                ELSE timezone('UTC', now()) - (stage_index * 4) * interval '1 day' - r_age * interval '60 days' END AS created,
           CASE WHEN stage_index = :final_index
                THEN timezone('UTC', now()) - interval '40 days' - r_age * interval '1000 days' + (20 + r_span * 40) * interval '1 day'
                ELSE timezone('UTC', now()) - r_span * (CAST(:stage_days AS int[]))[stage_index] * 1.3 * interval '1 day' END AS entered
    FROM (
        SELECT g, random() AS r_first, random() AS r_last, random() AS r_op, random() AS r_phone,
               random() AS r_bank, random() AS r_supplier, random() AS r_accountant, random() AS r_agent,
               random() AS r_age, random() AS r_span, random() AS r_answer, random() AS r_deleted,
               CASE WHEN g <= :archived THEN :final_index
                    ELSE width_bucket(random(), CAST(:bounds AS float8[])) END AS stage_index
        FROM generate_series(1, :total) AS g
    ) AS r
) AS s
"""

RESPONSIBLES_SQL = """
INSERT INTO card_responsibles (card_id, stage_id, user_id)
SELECT id, :stage_id, (CAST(:agents AS int[]))[1 + floor(random() * :n_agents)::int]
FROM cards WHERE random() < :share
"""

# Closed tasks for every stage before the card's own, spread evenly between its creation and the
# day it entered its stage; then the open task on its stage (none on the final one).
TASKS_SQL = """
INSERT INTO stage_tasks (subject_type, subject_id, seq, stage_id, assignee_id, opened_at, deadline,
                         closed_at, closed_by_id, "values", moved_to_stage_id)
SELECT 'card', c.id, st.pos, st.id, t.assignee,
       t.opened, t.opened + st.days * interval '1 day',
       CASE WHEN st.pos < cs.position THEN t.closed END,
       CASE WHEN st.pos < cs.position THEN t.assignee END,
       CASE WHEN st.pos < cs.position THEN replace(st.tpl, '__DATE__', t.closed::date::text)::json END,
       CASE WHEN st.pos < cs.position THEN st.next_id END
FROM cards c
JOIN stages cs ON cs.id = c.stage_id
JOIN bench_stages st ON st.pos <= cs.position
LEFT JOIN card_responsibles cr ON cr.card_id = c.id AND cr.stage_id = st.id
CROSS JOIN LATERAL (
    SELECT COALESCE(cr.user_id, CASE st.role WHEN 'agent' THEN c.agent_id WHEN 'manager' THEN c.manager_id
                                             WHEN 'accountant' THEN c.accountant_id END) AS assignee,
           CASE WHEN st.pos = cs.position THEN c.stage_entered_at
                ELSE c.created_at + (c.stage_entered_at - c.created_at) * (st.pos - 1) / (cs.position - 1) END AS opened,
           c.created_at + (c.stage_entered_at - c.created_at) * st.pos / GREATEST(cs.position - 1, 1) AS closed
) AS t
WHERE c.id BETWEEN :low AND :high
"""


def _bounds():
    total = sum(STAGE_WEIGHTS)
    bounds, running = [0.0], 0
    for weight in STAGE_WEIGHTS[:-1]:
        running += weight
        bounds.append(running / total)
    return bounds


def generate(scale=1.0, log=_log):
    """Fill the (migrated, reference-loaded, empty) database of the current app context."""
    from extensions import db
    from models.card import Card, CardResponsible
    from models.pipeline import StageTask
    from services import card_counts
    from services.card_board import cards_pipeline

    started = time.perf_counter()
    archived, active = round(ARCHIVED * scale), round(ACTIVE * scale)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Card)):
        raise SystemExit("this database already has cards; generate into a fresh one")
    ids = _people()
    board = cards_pipeline()
    stage_rows = _stage_rows(board)
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
    indexes = [index for table in (Card, StageTask, CardResponsible) for index in table.__table__.indexes]
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
            "final_index": len(stages), "bounds": _bounds(), "archived": archived, "total": archived + active,
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
    connection.execute(sa.text("INSERT INTO bench_stages VALUES (:pos, :id, :role, :days, :next_id, :tpl)"), stage_rows)
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
                   (SELECT count(*) FROM card_responsibles),
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
        f"card_responsibles: {counts[6]:,}; users: {counts[7]}, memberships: {counts[8]}"
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
def open_bench(args, before_requests=None):
    """Yields (app, url): a generated database, or the one at --database-url as it is."""
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
                generate(args.scale)
            else:
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
