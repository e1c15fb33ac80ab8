"""Reference data (roles, permissions, positions, pipelines, points rules) from seeds/. Safe to run every
start."""

from pathlib import Path

import yaml
from sqlalchemy import select

from extensions import db
from models.platform.org import Position
from models.platform.user import Role, RolePermission
from services.platform import access
from services.platform.access import PERMISSIONS

ROLES_FILE = Path(__file__).with_name("roles.yaml")
LEDGER_RULES_FILE = Path(__file__).with_name("ledger_rules.yaml")
EVENT_KINDS_FILE = Path(__file__).with_name("event_kinds.yaml")
# A domain's own grants, beside roles.yaml: {every: [permission], roles: {code: [...]}, positions: {code: [...]}}.
GRANTS_DIR = Path(__file__).with_name("grants")


def _names(spec):
    names = spec["names"]
    return {"name_uk": names["uk"], "name_ru": names.get("ru", ""), "name_en": names.get("en", "")}


def _upsert_role(code, kind, spec):
    role = db.session.scalar(select(Role).where(Role.code == code))
    if role is None:
        role = Role(code=code, kind=kind, **_names(spec))
        db.session.add(role)
        db.session.flush()
    granted = role.permissions
    for permission in spec.get("permissions", []):
        if permission not in PERMISSIONS:
            raise ValueError(f"roles.yaml: unknown permission {permission!r} for {code}")
        if permission not in granted:
            role.grants.append(RolePermission(permission=permission))
    return role


def load_reference():
    access.ensure_signal()
    _load_roles()
    from seeds.pipeline_loader import load_pipelines

    load_pipelines()
    _load_ledger_rules()
    _load_event_kinds()
    from seeds.salary_plans import load_salary_plans

    load_salary_plans()


def _load_event_kinds():
    """The event types and statuses of seeds/event_kinds.yaml that do not exist yet."""
    from models.clients import EventStatus, EventType

    data = yaml.safe_load(EVENT_KINDS_FILE.read_text(encoding="utf-8"))
    for model, items in ((EventType, data["types"]), (EventStatus, data["statuses"])):
        known = set(db.session.scalars(select(model.code)))
        for position, item in enumerate(items, start=1):
            if item["code"] not in known:
                names = item.pop("names")
                db.session.add(
                    model(**item, position=position, name_uk=names["uk"], name_ru=names["ru"], name_en=names["en"])
                )
    db.session.commit()


def _load_ledger_rules():
    """The rules of seeds/ledger_rules.yaml that do not exist yet (the owner's edits are kept)."""
    from models.ledger import LedgerRule

    known = set(db.session.scalars(select(LedgerRule.code)))
    for item in yaml.safe_load(LEDGER_RULES_FILE.read_text(encoding="utf-8"))["rules"]:
        if item["code"] not in known:
            names = item.pop("names")
            db.session.add(LedgerRule(**item, name_uk=names["uk"], name_ru=names["ru"], name_en=names["en"]))
    db.session.commit()


def _load_roles():
    data = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))
    for code, spec in data["roles"].items():
        _upsert_role(code, "role", spec)
    for code, spec in data["positions"].items():
        role = _upsert_role(f"position:{code}", "position", spec)
        position = db.session.scalar(select(Position).where(Position.code == code))
        if position is None:
            db.session.add(Position(code=code, rank=spec.get("rank", 0), role=role, **_names(spec)))
    for path in sorted(GRANTS_DIR.glob("*.yaml")):
        _load_grants(yaml.safe_load(path.read_text(encoding="utf-8")), data)
    db.session.commit()


def _load_grants(grants, data):
    every = grants.get("every", [])
    for section, prefix, kind in (("roles", "", "role"), ("positions", "position:", "position")):
        for code, spec in data[section].items():
            permissions = every + grants.get(section, {}).get(code, [])
            _upsert_role(prefix + code, kind, {"names": spec["names"], "permissions": permissions})
