"""Factories of the platform: people, roles, offices, departments and placements in the org tree."""

from sqlalchemy import select

from extensions import db
from models.platform.org import Department, Membership, Office, Position
from models.platform.user import Role
from services.platform import hierarchy, staff

PASSWORD = "correct-horse-42"
_counter = {"n": 0}


def _next(prefix):
    _counter["n"] += 1
    return f"{prefix}{_counter['n']}"


def role(code):
    return db.session.scalar(select(Role).where(Role.code == code))


def make_user(username=None, role_code=None, password=PASSWORD, **fields):
    user = staff.create(
        username or _next("user"),
        password,
        full_name=fields.pop("full_name", "Test Person"),
        role=role(role_code) if role_code else None,
        **fields,
    )
    db.session.commit()
    return user


def make_office(name=None):
    office = Office(name=name or _next("Office "))
    db.session.add(office)
    db.session.commit()
    return office


def make_department(office, name=None, kind="sales"):
    department = Department(office=office, name=name or _next("Dept "), kind=kind)
    db.session.add(department)
    db.session.commit()
    return department


def place(user, office, position_code, boss=None, department=None):
    """Put `user` in `office` at `position_code`, reporting to `boss` (a Membership)."""
    position = db.session.scalar(select(Position).where(Position.code == position_code))
    membership = Membership(user=user, office=office, position=position, department=department)
    db.session.add(membership)
    db.session.flush()
    hierarchy.place(membership, boss)
    db.session.commit()
    return membership


def make_team(roles, reports_to, names=None):
    """People in one office: `roles` name → role code; `reports_to` name → the name of his head, who
    heads a department (the others stand outside the tree). `names`: full names by name."""
    office = make_office()
    names = names or {}
    people = {
        name: make_user(role_code=role, **({"full_name": names[name]} if name in names else {}))
        for name, role in roles.items()
    }
    heads = {}
    for name, head in reports_to.items():
        if head not in heads:
            heads[head] = place(people[head], office, "head_of_department")
        place(people[name], office, "employee", boss=heads[head])
    return people


def make_team_of_two():
    """An owner, an accountant, and a manager heading one department with two agents."""
    return make_team(
        {"owner": "owner", "accountant": "accountant", "manager": "manager", "agent": "agent", "agent2": "agent"},
        {"agent": "manager", "agent2": "manager"},
    )
