"""The clients benchmark's data: the org tree of 2,125 people and the server-side SQL that writes the
clients, their open stage tasks, events, invoices and ledger entries (INSERT … SELECT).

Per office (5): an office head; 4 department heads under him; 5 supervisors under each; 19
employees under each supervisor. Each client belongs to an employee (or now and then a supervisor)
and his office; 30 % of the clients are on a working stage of the training pipeline (the board),
the rest completed or lost."""

from bench.card_data import PASSWORD

OFFICES = 5
DEPARTMENTS = 4
SUPERVISORS = 5
EMPLOYEES = 19
CLIENTS = 1_000_000
EVENTS_PER_CLIENT = 10
INVOICES_PER_CLIENT = 2
ENTRIES_PER_CLIENT = 10  # each credit writes the client's entry and the employee's: 20 per client
WORKING_SHARE = 0.30

FIRST = ["Олена", "Ірина", "Марія", "Анна", "Юлія", "Оксана", "Тетяна", "Наталія", "Андрій", "Олег",
         "Сергій", "Дмитро", "Максим", "Іван", "Богдан", "Тарас", "Василь", "Роман", "Віктор", "Юрій"]  # fmt: skip
LAST = ["Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевченко", "Мельник", "Поліщук",
        "Лисенко", "Марченко", "Руденко", "Савченко", "Петренко", "Гнатюк", "Мороз", "Павленко", "Кушнір",
        "Литвин", "Гончаренко", "Дячук", "Клименко", "Остапенко", "Карпенко", "Тарасенко"]  # fmt: skip
SOURCES = ["Instagram", "Facebook", "Сайт", "Рекомендація", "Google", "TikTok"]


def create_people():
    """The tree, placed through the app's hierarchy; {"owner", "offices", "employees": [(id, office id)],
    "supervisors": [id], "department_heads": [id], "office_heads": [id]}."""
    from sqlalchemy import select

    from extensions import db
    from models.platform.org import Department, Membership, Office, Position
    from models.platform.user import Role
    from services.platform import hierarchy, staff

    positions = {p.code: p for p in db.session.scalars(select(Position))}
    owner = staff.create(
        "owner", PASSWORD, full_name="Bench Owner", role=db.session.scalar(select(Role).where(Role.code == "owner"))
    )
    ids = {
        "owner": owner.id,
        "offices": [],
        "employees": [],
        "supervisors": [],
        "department_heads": [],
        "office_heads": [],
    }
    count = 0

    def person(prefix, office, department, position, boss):
        nonlocal count
        count += 1
        user = staff.create(
            f"{prefix}{count:04d}", PASSWORD, full_name=f"{FIRST[count % len(FIRST)]} {LAST[count % len(LAST)]}"
        )
        membership = Membership(user=user, office=office, department=department, position=positions[position])
        db.session.add(membership)
        db.session.flush()
        hierarchy.place(membership, boss)
        return user, membership

    for o in range(OFFICES):
        office = Office(name=f"Office {o + 1}", city=f"City {o + 1}")
        db.session.add(office)
        db.session.flush()
        ids["offices"].append(office.id)
        head, head_place = person("officehead", office, None, "office_head", None)
        ids["office_heads"].append(head.id)
        for d in range(DEPARTMENTS):
            department = Department(office=office, name=f"Sales {d + 1}", kind="sales")
            db.session.add(department)
            db.session.flush()
            dept_head, dept_place = person("depthead", office, department, "head_of_department", head_place)
            ids["department_heads"].append(dept_head.id)
            for _s in range(SUPERVISORS):
                supervisor, supervisor_place = person("supervisor", office, department, "supervisor", dept_place)
                ids["supervisors"].append(supervisor.id)
                ids["employees"].append((supervisor.id, office.id))
                for _e in range(EMPLOYEES):
                    employee, _place = person("employee", office, department, "employee", supervisor_place)
                    ids["employees"].append((employee.id, office.id))
    db.session.commit()
    return ids


CLIENTS_SQL = """
INSERT INTO clients (id, full_name, phone, phone_other, email, messenger, country, timezone, source, language,
                     office_id, responsible_id, is_partner, tags, pipeline_id, stage_id, bucket, stage_entered_at,
                     version, created_at, updated_at)
SELECT g,
       (CAST(:first AS text[]))[1 + (g * 7) % :n_first] || ' ' || (CAST(:last AS text[]))[1 + (g * 13) % :n_last],
       '+38067' || lpad(((g::bigint * 7919) % 10000000)::text, 7, '0'), '', '', '', 'Україна', 'Europe/Kyiv',
       (CAST(:sources AS text[]))[1 + g % :n_sources], 'uk',
       (CAST(:offices AS integer[]))[1 + (g * 31) % :n_people], (CAST(:people AS integer[]))[1 + (g * 31) % :n_people], false,
       CASE WHEN g % 50 = 0 THEN 'vip' ELSE '' END,
       :pipeline_id, s.id, s.bucket,
       timezone('UTC', now()) - ((g % 60) || ' days')::interval,
       1, timezone('UTC', now()) - ((g % 700) || ' days')::interval, timezone('UTC', now())
FROM generate_series(CAST(:low AS integer), CAST(:high AS integer)) AS g
CROSS JOIN LATERAL (
    SELECT (CAST(:stage_ids AS integer[]))[i] AS id, (CAST(:stage_buckets AS text[]))[i] AS bucket
    FROM (SELECT CASE WHEN (g * 17) % 100 < :working_pct
                      THEN 1 + (g * 3) % :n_working
                      ELSE :n_working + 1 + g % 2 END AS i) AS pick
) AS s
"""

OPEN_TASKS_SQL = """
INSERT INTO stage_tasks (subject_type, subject_id, seq, stage_id, assignee_id, person_1_id, deadline, opened_at, values)
SELECT 'client', c.id, 1, c.stage_id, c.responsible_id, c.responsible_id,
       c.stage_entered_at + ((c.id % 9) - 3 || ' days')::interval + interval '3 days', c.stage_entered_at, '{}'::json
FROM clients c WHERE c.id BETWEEN :low AND :high AND c.stage_id = ANY(CAST(:working AS integer[]))
"""

EVENTS_SQL = """
INSERT INTO events (client_id, type_id, status_id, starts_at, duration_minutes, assignee_id, title, result_note,
                    remind_minutes, version, created_at, updated_at)
SELECT c.id, (CAST(:types AS integer[]))[1 + (c.id + n) % :n_types], (CAST(:statuses AS integer[]))[1 + (c.id * n) % :n_statuses],
       timezone('UTC', now()) + (((c.id + n * 37) % 400) - 300 || ' days')::interval, 45, c.responsible_id, '', '',
       30, 1, timezone('UTC', now()), timezone('UTC', now())
FROM clients c CROSS JOIN generate_series(1, CAST(:per_client AS integer)) AS n WHERE c.id BETWEEN :low AND :high
"""

INVOICES_SQL = """
INSERT INTO invoices (client_id, office_id, office_key, year, number, status, currency, total, paid, note, version,
                      issued_at, created_at, updated_at)
SELECT c.id, c.office_id, c.office_id, 2026, (c.id - 1) * :per_client + n, 'paid', 'UAH', 1000 + c.id % 3000,
       1000 + c.id % 3000, '', 1, timezone('UTC', now()), timezone('UTC', now()), timezone('UTC', now())
FROM clients c CROSS JOIN generate_series(1, CAST(:per_client AS integer)) AS n WHERE c.id BETWEEN :low AND :high
"""

ENTRIES_SQL = """
INSERT INTO ledger_entries (holder, client_id, employee_id, kind, amount, rule_code, source_type, source_id, source_key,
                            note, created_at)
SELECT h.holder, CASE WHEN h.holder = 'client' THEN c.id END, c.responsible_id, 'points',
       CASE WHEN h.holder = 'client' THEN 10 ELSE 5 END, 'bench', 'bench', c.id * 100 + n,
       'bench:' || c.id || ':' || n || ':' || h.holder, '', timezone('UTC', now()) - ((n * 3) || ' days')::interval
FROM clients c CROSS JOIN generate_series(1, CAST(:per_client AS integer)) AS n
CROSS JOIN (VALUES ('client'), ('employee')) AS h(holder)
WHERE c.id BETWEEN :low AND :high
"""

BALANCES_SQL = """
INSERT INTO ledger_balances (holder, holder_id, kind, balance, entries)
SELECT holder, CASE WHEN holder = 'client' THEN client_id ELSE employee_id END, kind, sum(amount), count(*)
FROM ledger_entries GROUP BY 1, 2, 3
"""
