"""Demo data for `make run`: one login per role, a small org tree, banks and contractors."""

from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from models.cards.directory import Bank, Contractor
from models.platform.org import Department, Membership, Office, Position
from models.platform.user import Role, User
from services.platform import hierarchy, staff

DEMO_PASSWORD = "kartoteka"

# username, full name, Part A role
PEOPLE = [
    ("owner", "Олена Власенко", "owner"),
    ("admin", "Андрій Адмін", "administrator"),
    ("accountant", "Ірина Бухгалтер", "accountant"),
    ("accountant2", "Лариса Бухгалтерка", "accountant"),
    ("manager", "Максим Менеджер", "manager"),
    ("manager2", "Марія Менеджерка", "manager"),
    ("agent", "Олег Агент", "agent"),
    ("agent2", "Тарас Агент", "agent"),
    ("agent3", "Наталя Агентка", "agent"),
    ("officehead", "Віктор Керівник офісу", None),
    ("depthead", "Світлана Керівник відділу", None),
    ("supervisor", "Дмитро Супервайзер", None),
    ("employee", "Юлія Співробітник", None),
    ("intern", "Богдан Стажер", None),
    ("hrhead", "Галина Керівник HR", None),
    ("hr", "Ганна Рекрутер", None),
]

# (user, office, department, position, reports to user)
TREE = [
    ("manager", "Київ", "Бек-офіс", "head_of_department", None),
    ("agent", "Київ", "Бек-офіс", "employee", "manager"),
    ("agent2", "Київ", "Бек-офіс", "employee", "manager"),
    ("accountant", "Київ", "Бек-офіс", "employee", "manager"),
    ("manager2", "Львів", "Бек-офіс", "head_of_department", None),
    ("agent3", "Львів", "Бек-офіс", "employee", "manager2"),
    ("accountant2", "Львів", "Бек-офіс", "employee", "manager2"),
    ("officehead", "Київ", None, "office_head", None),
    ("depthead", "Київ", "Продажі", "head_of_department", "officehead"),
    ("supervisor", "Київ", "Продажі", "supervisor", "depthead"),
    ("employee", "Київ", "Продажі", "employee", "supervisor"),
    ("intern", "Київ", "Продажі", "intern", "supervisor"),
    ("hrhead", "Київ", "HR", "hr_head", "officehead"),
    ("hr", "Київ", "HR", "hr", "hrhead"),
    # one person in two offices at once
    ("supervisor", "Львів", "Залучення", "employee", None),
]

OFFICES = {"Київ": ["Бек-офіс", "Продажі", "Залучення", "HR"], "Львів": ["Бек-офіс", "Продажі", "Залучення"]}
KINDS = {"Бек-офіс": "back_office", "Продажі": "sales", "Залучення": "acquisition", "HR": "hr"}

BANKS = [
    ("ПриватБанк", "305299", "1.50"),
    ("Монобанк", "322001", "1.00"),
    ("ПУМБ", "334851", "1.25"),
    ("Ощадбанк", "300465", "0.90"),
]
CONTRACTORS = [("ТОВ «Картсервіс»", "Петро Іваненко", "+380671112233"), ("ФОП Коваль", "Ганна Коваль", "+380501234567")]


def is_empty():
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def load_demo():
    roles = {r.code: r for r in db.session.scalars(select(Role))}
    users = {}
    for username, full_name, role_code in PEOPLE:
        users[username] = staff.create(
            username,
            DEMO_PASSWORD,
            full_name=full_name,
            role=roles.get(role_code),
            email=f"{username}@kartoteka.example",
        )
    offices, departments = {}, {}
    for office_name, department_names in OFFICES.items():
        offices[office_name] = Office(name=office_name, city=office_name)
        db.session.add(offices[office_name])
        for name in department_names:
            departments[office_name, name] = Department(office=offices[office_name], name=name, kind=KINDS[name])
            db.session.add(departments[office_name, name])
    db.session.flush()
    positions = {p.code: p for p in db.session.scalars(select(Position))}
    placed = {}
    for username, office, department, position, boss in TREE:
        membership = Membership(
            user=users[username],
            office=offices[office],
            department=departments.get((office, department)),
            position=positions[position],
        )
        db.session.add(membership)
        db.session.flush()
        hierarchy.place(membership, placed.get((boss, office)) if boss else None)
        placed.setdefault((username, office), membership)
    for name, code, percent in BANKS:
        db.session.add(Bank(name=name, code=code, commission_percent=Decimal(percent)))
    for name, contact, phone in CONTRACTORS:
        db.session.add(Contractor(name=name, contact_name=contact, phone=phone))
    db.session.commit()
    from seeds.demo_cards import load_demo_cards
    from seeds.demo_chats import load_demo_chats
    from seeds.demo_clients import load_demo_clients
    from seeds.demo_forum import load_demo_forum
    from seeds.demo_salary import load_demo_salary
    from seeds.demo_suggestions import load_demo_suggestions
    from seeds.demo_tasks import load_demo_tasks

    load_demo_cards()
    load_demo_clients()
    load_demo_chats()
    load_demo_tasks()
    load_demo_salary()
    load_demo_suggestions()
    load_demo_forum()
    return [username for username, _, _ in PEOPLE]
