"""Card generator data: fixed people and directories, contact names, and the bulk-insert SQL."""

import json

ARCHIVED = 1_000_000
ACTIVE = 100_000
PASSWORD = "bench-password"
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


def surnames():
    return [root + ending for root in SURNAME_ROOTS for ending in SURNAME_ENDINGS]


def create_people():
    """Users, offices and memberships through the app's own services (70 rows, ORM is fine)."""
    from sqlalchemy import select

    from extensions import db
    from models.cards.directory import Bank, Contractor
    from models.platform.org import Department, Membership, Office, Position
    from models.platform.user import Role
    from services.platform import hierarchy, staff

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


def stage_rows(board):
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
INSERT INTO cards (id, number, number_hash, contact_name, contact_phone, bank_id, contractor_id, agent_id, manager_id,
                   accountant_id, pipeline_id, stage_id, bucket, stage_entered_at, bank_answer_date,
                   created_at, updated_at, created_by_id, updated_by_id, deleted_at, version)
SELECT g,
       '5168 ' || substr(digits, 1, 2) || '** **** ' || substr(digits, 5, 4),
       'bench ' || g,  -- no full number is sealed: only a unique stand-in for its hash
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
INSERT INTO stage_responsibles (subject_type, subject_id, stage_id, user_id)
SELECT 'card', id, :stage_id, (CAST(:agents AS int[]))[1 + floor(random() * :n_agents)::int]
FROM cards WHERE random() < :share
"""

# Closed tasks for every stage before the card's own, spread evenly between its creation and the
# day it entered its stage; then the open task on its stage (none on the final one). Each carries
# its card's people, as the triggers (bypassed here) keep them.
TASKS_SQL = """
INSERT INTO stage_tasks (subject_type, subject_id, seq, stage_id, assignee_id, opened_at, deadline,
                         closed_at, closed_by_id, "values", moved_to_stage_id,
                         person_1_id, person_2_id, person_3_id)
SELECT 'card', c.id, st.pos, st.id, t.assignee,
       t.opened, t.opened + st.days * interval '1 day',
       CASE WHEN st.pos < cs.position THEN t.closed END,
       CASE WHEN st.pos < cs.position THEN t.assignee END,
       CASE WHEN st.pos < cs.position THEN replace(st.tpl, '__DATE__', t.closed::date::text)::json END,
       CASE WHEN st.pos < cs.position THEN st.next_id END,
       c.agent_id, c.manager_id, c.accountant_id
FROM cards c
JOIN stages cs ON cs.id = c.stage_id
JOIN bench_stages st ON st.pos <= cs.position
LEFT JOIN stage_responsibles cr ON cr.subject_type = 'card' AND cr.subject_id = c.id AND cr.stage_id = st.id
CROSS JOIN LATERAL (
    SELECT COALESCE(cr.user_id, CASE st.role WHEN 'agent' THEN c.agent_id WHEN 'manager' THEN c.manager_id
                                             WHEN 'accountant' THEN c.accountant_id END) AS assignee,
           CASE WHEN st.pos = cs.position THEN c.stage_entered_at
                ELSE c.created_at + (c.stage_entered_at - c.created_at) * (st.pos - 1) / (cs.position - 1) END AS opened,
           c.created_at + (c.stage_entered_at - c.created_at) * st.pos / GREATEST(cs.position - 1, 1) AS closed
) AS t
WHERE c.id BETWEEN :low AND :high
"""


def stage_bounds():
    total = sum(STAGE_WEIGHTS)
    bounds, running = [0.0], 0
    for weight in STAGE_WEIGHTS[:-1]:
        running += weight
        bounds.append(running / total)
    return bounds
